"""Apprenticeship funding as the rules stand on a date: the Growth and Skills Levy rule book.

`rules` loads the dated rule sets (apprenticeships/data/funding_rules.json) and picks the one
for a date; `estimate` answers who pays what for one apprenticeship; `account` keeps a levy
payer's account month by month (funds in, first-in-first-out expiry, payments out).
"""
