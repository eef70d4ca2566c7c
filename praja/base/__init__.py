"""The base of the house: what territory, accounts and every app above them share without importing back.

The region scope (`scope`), the role catalogue (`roles`), the request's capability checks (`access`), the audit
log (`audit*`, `chain`, `models`), masking of personal data (`masking`), the drill context (`drillctx`) and the
extension points through which a lower app asks something of an app above it (`extensions`). It imports no
other Praja app (the import contract in pyproject.toml checks it).
"""
