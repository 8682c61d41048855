"""Pure domain logic for Recur (money, pricing): no I/O."""
