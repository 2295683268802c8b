"""What apprenticeships tells the apps built on it, without importing them.

An app above this one (matching) connects its receivers in its AppConfig.ready(); this app only
sends. Receivers run inside the sender's transaction: what they write commits or rolls back with
the change, and an error in one undoes the change (the signals are sent with `send`, not
`send_robust`).
"""

from django.dispatch import Signal

# Sent when a vacancy leaves the market, or is sent further from it: withdrawn, closed, filled,
# changed while live (back to hub review) or referred back to the employer. Sent inside the
# transaction that changed it, with the vacancy's row locked (FOR NO KEY UPDATE), after its new
# status is saved. Keyword arguments: `vacancy` (the Vacancy, new status), `reason` (one of
# LEFT_MARKET_REASONS' values) and `by` (the User who changed it, or None).
vacancy_left_market = Signal()

# Sent when what the market offers for some standards changed: a vacancy joined or left the market,
# or a live one changed; a course offer was created, changed or deleted. Sent inside the change's
# transaction (or just after it, for an offer's deletion). Keyword argument: `standard_ids` (the
# ids of every standard the change touched: before and after, when it moved to another). A vacancy's
# change also says which (`vacancy_id`) and, for a live vacancy changed in place, what it was before
# (`before`: its positions and notes; None otherwise). Matching re-matches them once the transaction
# commits, all of one transaction's together: just that vacancy where it can, else the standards.
standards_changed = Signal()

# Vacancy lifecycle action -> the reason vacancy_left_market gives for it.
LEFT_MARKET_REASONS = {"withdraw": "withdrawn", "close": "closed", "filled": "filled", "refer": "referred"}
# ... and for a live vacancy's material change, which sends it back to hub review.
CHANGED_WHILE_LIVE = "changed"
