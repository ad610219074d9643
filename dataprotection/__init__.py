"""Data protection in practice: retention of personal data, the right of access, the access journal's pages.

The records stay in ``audit`` (the access journal, the retention ledger, the change history): audit holds
the records, dataprotection the processes that read the domain apps (casework, referrals) and the access
policy (organisation.access) to act on them. audit stays a leaf that imports no domain app
(docs/privacy.md, pyproject.toml [tool.importlinter]).
"""
