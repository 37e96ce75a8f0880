""" "Your data" (issue 13): what the site knows about the signed-in account and its profile,
the switches that limit what it may use, the JSON export and the account deletion.

It sits above every app (like `demo`, nothing imports it): the page reads tracking (events,
switches), recommendations (derived tastes), artwork (poster taste) and browse (why each
homepage row is there); deletion cancels the subscription through subscriptions' service
before tracking erases the rest. Where personal data lives is worked out generically in
apps/tracking/personal.py.
"""
