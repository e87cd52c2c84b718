"""The access log every service writes to (``lifecase_platform.access_log``), kept by intake:
the handler that stores each ``AccessRecorded`` event once, the search over it, its CSV
export, and who may read it (admins and auditors)."""
