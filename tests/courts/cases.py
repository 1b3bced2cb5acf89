"""The case the court tests follow: DOJ's suit against the City of Los Angeles, on the docket the
recorded CourtListener payloads (and the stand-in) describe."""

from __future__ import annotations

import datetime as dt

from requests_tracker.models import Case, DataRequest
from requests_tracker.services import courts
from tests.courts.standin import DOCKET_ID


def los_angeles_suit(data_request: DataRequest) -> Case:
    """United States v. City of Los Angeles, filed 2025-06-30, tied to `data_request` (a Los
    Angeles County request) and following its CourtListener docket."""
    return courts.open_case(
        title="United States v. City of Los Angeles",
        court="U.S. District Court for the Central District of California",
        docket_number="2:25-cv-05917",
        filed_on=dt.date(2025, 6, 30),
        counties=[data_request.county],
        requests=[data_request],
        courtlistener_docket_id=DOCKET_ID,
    )
