"""Command-line interface (thin edge: parses options, calls the library, prints results)."""
