""" "Your year on Streamfront" (issue 15): the year in review, its cards, share images and the
public share page.

Talks to tracking (reads the profile's play events) and catalogue (title names, genres,
artwork). The numbers are worked out by the pure module `numbers.py`; `services.recap_refresh`
stores them at most once a day per profile; `cards.py` turns them into the cards the page,
the share page and the share images show.
"""
