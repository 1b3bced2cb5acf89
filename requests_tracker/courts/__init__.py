"""Court cases followed through CourtListener."""
