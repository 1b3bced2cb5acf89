"""Mail in: reply addresses, reading the newsroom's mailbox, and turning replies into drafts."""
