"""What every domain package of the schema shares."""
