# Everything artwork shows viewers goes through the pages that show the cards (browse); the
# curators' pages live in the admin (apps/artwork/admin.py). Nothing to route here yet.
app_name = "artwork"
urlpatterns: list = []
