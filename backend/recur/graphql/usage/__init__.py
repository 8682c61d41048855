"""Usage-based prices: recording usage, usage to date and the upcoming invoice."""
