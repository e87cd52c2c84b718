"""The reporter's conversation with the units on a case: caseworkers' questions and messages
(from ``InfoRequested``), the reporter's replies (published as ``ReporterReplied``), and the
reasons of rejected sub-cases (from ``SubcaseRejected``)."""
