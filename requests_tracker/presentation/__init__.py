"""What the pages draw besides HTML: county maps and charts (SVG), badges, Atom feeds, and
absolute links for mail and webhooks.
"""
