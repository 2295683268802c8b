"""The hub dashboard: its page, its CSV exports and the reports behind them."""
