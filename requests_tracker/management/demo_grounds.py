"""The demo's catalogue of legal grounds (load_demo), from FACTS.md's vocabulary."""

GROUNDS = [
    (
        "sb-54",
        "SB 54, the California Values Act",
        "Cal. Gov. Code 7284 et seq.",
        "state",
        "Limits state and local cooperation with federal immigration enforcement (in force "
        "2018-01-01); 7284.6(a)(1)(C) bars giving release dates except where they are public or "
        "a 7282.5 exception applies. Upheld in United States v. California, 921 F.3d 865 (9th "
        "Cir. 2019).",
    ),
    (
        "trust-act",
        "TRUST Act (AB 4, 2013)",
        "Cal. Gov. Code 7282, 7282.5",
        "state",
        "The list of convictions that allow cooperation with immigration authorities.",
    ),
    (
        "truth-act",
        "TRUTH Act (AB 2792, 2016)",
        "Cal. Gov. Code 7283 et seq.",
        "state",
        "Notice and consent rules for ICE interviews; an annual public forum where ICE had access.",
    ),
    (
        "8-usc-1373",
        "8 U.S.C. 1373",
        "8 U.S.C. 1373",
        "federal",
        "Bars governments from restricting the sharing of citizenship or immigration status "
        "with federal immigration authorities (release dates are not named in it).",
    ),
    (
        "8-usc-1644",
        "8 U.S.C. 1644",
        "8 U.S.C. 1644",
        "federal",
        "The same bar, in the welfare reform law of 1996.",
    ),
    (
        "8-usc-1225-d-4-a",
        "Administrative subpoena power",
        "8 U.S.C. 1225(d)(4)(A)",
        "federal",
        "Lets the Attorney General or an immigration officer issue subpoenas without a judge; "
        "enforced through a federal district court.",
    ),
    (
        "sf-sanctuary-ordinance",
        "San Francisco's sanctuary ordinance",
        "S.F. Admin. Code ch. 12H, 12I",
        "local",
        "San Francisco's limits on the use of city resources for federal immigration enforcement.",
    ),
]
"""Laws of FACTS.md's vocabulary: (slug, name, citation, level, what matters here)."""
