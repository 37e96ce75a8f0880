"""The demo world as plain data: catalogue, synthetic viewers and their viewing histories.

Pure functions over plain data (no Django, no database), deterministic for a given seed:
every random choice comes from a `random.Random` seeded with a string naming what it is for
("42:title:17", "42:viewer:203:1"), so one viewer's history does not change when another
viewer is added, and the same seed always builds the same world.

Histories are taste-driven: each profile has latent genre affinities (Dirichlet-like, one to
three dominant genres), a few favourite series it binges (consecutive episodes in one
evening), time-of-day habits in its own time zone and devices that fit the hour. Sessions
pick titles by affinity x popularity, finish them more often when they fit the taste, and
rate some of them (-1 not for me, 1 like, 2 love) by how well they fit.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# --- Constants --------------------------------------------------------------------------------

FIRST_YEAR = 1980
LAST_YEAR = 2026
HISTORY_DAYS = 395  # about thirteen months before the seed's "now"
KIDS_RATINGS = ("all", "7")
SERIES_SHARE = 0.32  # of the catalogue; per-genre propensities are scaled to hit it
COMING_SOON_SHARE = 0.02  # titles announced with an availability date in the next month

# --- Genres -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GenreSpec:
    """What a genre looks and sounds like, and how titles in it behave."""

    slug: str
    name: str
    share: float  # of the catalogue (relative)
    appeal: float  # how often viewers have it among their dominant genres (relative)
    series: float  # propensity to be a series (relative; scaled to SERIES_SHARE)
    maturities: tuple[tuple[str, int], ...]  # (rating, weight)
    film_minutes: tuple[int, int]
    episode_minutes: tuple[int, int]
    companions: tuple[str, ...]  # genres a title of this genre may also have
    moods: tuple[str, ...]
    adjectives: tuple[str, ...]
    nouns: tuple[str, ...]
    places: tuple[str, ...]
    who: tuple[str, ...]
    situation: tuple[str, ...]
    turn: tuple[str, ...]

    @property
    def kids(self) -> bool:
        """Every title of the genre is rated for children."""
        return all(rating in KIDS_RATINGS for rating, _ in self.maturities)


# A data table, laid out by hand: one genre per block, fields in GenreSpec order.
# fmt: off
GENRES: tuple[GenreSpec, ...] = (
    GenreSpec(
        "drama", "Drama", 9, 9, 1.0, (("12", 5), ("16", 3), ("7", 1)), (95, 150), (45, 60),
        ("romance", "crime", "historical", "music", "sports", "war"),
        ("moving", "intimate", "bittersweet", "slow-burn", "hopeful", "raw"),
        ("Quiet", "Long", "Last", "Broken", "Golden", "Distant", "Borrowed", "Small", "Late",
         "Open", "Second", "Blue"),
        ("Orchard", "Winter", "Summer", "Letter", "Daughter", "Harvest", "Promise", "Table",
         "Silence", "Shore", "Inheritance", "Season"),
        ("Marrow Street", "the River", "Saint Clair", "the Valley", "Harrow Hill", "Low Tide"),
        ("A widowed baker", "Two estranged brothers", "A young teacher", "An ageing boxer",
         "A family of five", "A night-shift nurse"),
        ("returns to the town that raised them", "inherits a failing vineyard",
         "takes in a teenager nobody else will house", "spends one last summer at the lake house",
         "tries to keep the family farm through a hard year"),
        ("and learns what home really means", "while an old secret resurfaces",
         "as everyone has to choose what to forgive", "until a letter changes everything"),
    ),
    GenreSpec(
        "comedy", "Comedy", 9, 9, 1.3, (("12", 5), ("7", 2), ("16", 2)), (85, 110), (22, 30),
        ("romance", "family", "music", "sports", "adventure"),
        ("feel-good", "witty", "silly", "warm", "offbeat", "quick-fire"),
        ("Terrible", "Perfect", "Accidental", "Slightly", "Awkward", "Lucky", "Wrong", "Big",
         "Happy", "Best", "Weekend", "Fancy"),
        ("Wedding", "Neighbour", "Roommate", "Plan", "Holiday", "Office", "Idea", "Brunch",
         "Excuse", "Boss", "Reunion", "Road Trip"),
        ("Pine Street", "the Suburbs", "Flat 4B", "Club Paradiso", "the Bakery", "Nowhere"),
        ("A hopeless wedding planner", "Three flatmates", "A retired magician",
         "A small-town mayor", "Two rival food truck owners", "An overconfident intern"),
        ("fakes an engagement to save the family business",
         "accidentally becomes the face of a national campaign",
         "has one week to organise the office party", "swaps lives with a stranger for a bet",
         "tries to win back a radio quiz title"),
        ("and nothing goes to plan", "while the whole town watches",
         "with spectacularly bad timing", "before the grandparents find out"),
    ),
    GenreSpec(
        "action", "Action", 6, 7, 0.6, (("12", 4), ("16", 5), ("18", 1)), (100, 140), (40, 55),
        ("adventure", "thriller", "crime", "sci-fi", "war"),
        ("explosive", "high-octane", "gritty", "thrilling", "relentless", "stylish"),
        ("Final", "Iron", "Zero", "Dead", "Silent", "Rogue", "Black", "Burning", "Red", "Hard",
         "Steel", "Double"),
        ("Protocol", "Strike", "Hour", "Line", "Run", "Target", "Extraction", "Vendetta",
         "Signal", "Convoy", "Code", "Edge"),
        ("Sector Nine", "the Border", "Kingsport", "the Tower", "Route 66", "Fort Ash"),
        ("A disgraced bodyguard", "An off-duty paramedic", "A retired getaway driver",
         "A rookie agent", "A stunt double", "An ex-soldier"),
        ("has twelve hours to cross a city in lockdown", "is framed for a heist gone wrong",
         "must escort a witness nobody wants alive", "takes on a syndicate in a sealed tower"),
        ("with nothing left to lose", "and trusts no one", "before the clock runs out",
         "as old allies become targets"),
    ),
    GenreSpec(
        "thriller", "Thriller", 6, 7, 1.0, (("16", 6), ("12", 3), ("18", 1)), (95, 125), (45, 55),
        ("crime", "mystery", "action", "drama", "horror"),
        ("tense", "twisty", "paranoid", "suspenseful", "dark", "gripping"),
        ("Cold", "Hidden", "Silent", "Blind", "Perfect", "Glass", "Night", "Last", "False",
         "Closed", "Still", "Hollow"),
        ("Witness", "Alibi", "Stranger", "Signal", "Room", "Passenger", "Confession", "Motive",
         "Tenant", "Lie", "Floor", "Call"),
        ("Night Harbor", "Room 1408", "the Ferry", "Lake Verne", "the Causeway", "Coldwater"),
        ("A sleepless night porter", "A forensic accountant", "A hostage negotiator",
         "A true-crime podcaster", "A newly married couple", "A translator at a summit"),
        ("overhears a murder on a crossed phone line", "finds their own face in a missing poster",
         "is trapped on a night ferry with a killer",
         "receives texts from someone who knows everything"),
        ("and nobody believes them", "as the truth closes in", "before dawn",
         "while the police look the other way"),
    ),
    GenreSpec(
        "crime", "Crime", 5, 6, 1.6, (("16", 6), ("12", 2), ("18", 2)), (100, 140), (45, 60),
        ("drama", "thriller", "mystery", "action"),
        ("gritty", "slow-burn", "morally grey", "stylish", "dark", "tense"),
        ("Dirty", "Cold", "Crooked", "Midnight", "Long", "Bad", "Grey", "Velvet", "Lucky",
         "Concrete", "Small", "Honest"),
        ("Money", "Case", "Debt", "Racket", "Job", "Heist", "Confession", "Syndicate", "Ledger",
         "Score", "Precinct", "Family"),
        ("the Docks", "East Cutting", "Ninth Avenue", "the Old Quarter", "Calloway", "Port Dune"),
        ("A burnt-out detective", "A small-time fence", "A pair of bank tellers",
         "A prosecutor with a past", "The youngest son of a crime family", "An undercover cop"),
        ("plans one last job", "reopens a case everyone wants closed",
         "gets in too deep with the wrong lender", "runs a casino that launders for a cartel"),
        ("and the city fights back", "while the family falls apart",
         "as loyalty starts to cost lives", "one favour at a time"),
    ),
    GenreSpec(
        "horror", "Horror", 5, 5, 0.8, (("16", 6), ("18", 4)), (85, 110), (40, 55),
        ("thriller", "mystery", "fantasy"),
        ("dark", "chilling", "atmospheric", "scary", "supernatural", "gory"),
        ("Hollow", "Pale", "Silent", "Black", "Rotten", "Crooked", "Drowned", "Hungry", "Last",
         "Cursed", "Grey", "Dead"),
        ("House", "Hour", "Harvest", "Choir", "Well", "Lullaby", "Veil", "Attic", "Tide",
         "Mask", "Orchard", "Bloodline"),
        ("Blackwood", "Harrow Lane", "the Marsh", "Saint Agnes", "Wychmoor", "Cellar Nine"),
        ("A grieving mother", "Two sisters", "A night-shift caretaker", "A group of hikers",
         "A paranormal vlogger", "A newly ordained priest"),
        ("moves into a house that remembers", "spends a night in a sealed asylum",
         "finds a recording that should not exist", "answers a knock at 3 a.m."),
        ("and something follows them home", "where every mirror lies",
         "as the village keeps its silence", "and the children stop sleeping"),
    ),
    GenreSpec(
        "sci-fi", "Sci-Fi", 5, 6, 1.0, (("12", 6), ("16", 4)), (100, 145), (45, 60),
        ("action", "adventure", "thriller", "drama"),
        ("mind-bending", "cerebral", "epic", "futuristic", "dystopian", "awe-inspiring"),
        ("Distant", "Silent", "Outer", "Second", "Quantum", "Last", "Dark", "Hollow", "Infinite",
         "Red", "Parallel", "Frozen"),
        ("Signal", "Orbit", "Colony", "Horizon", "Machine", "Protocol", "Meridian", "Drift",
         "Echo", "Station", "Frontier", "Archive"),
        ("Europa", "Kepler Station", "the Belt", "New Lagos", "Sector 7", "Titan Deep"),
        ("A lone engineer", "The last crew of a generation ship", "A linguist",
         "An android nanny", "A time-loop survivor", "A salvage pilot"),
        ("decodes a message from the far side of the sun", "wakes a century too early",
         "must negotiate with an intelligence that lives in the weather",
         "relives the same hour on a failing station"),
        ("and humanity's future hangs on one choice", "where memory is currency",
         "before the signal goes dark", "while Earth stops answering"),
    ),
    GenreSpec(
        "romance", "Romance", 5, 5, 0.9, (("12", 6), ("16", 2), ("7", 1)), (90, 120), (35, 50),
        ("comedy", "drama", "music", "historical"),
        ("romantic", "heartwarming", "swoony", "bittersweet", "charming", "sunny"),
        ("Endless", "Paper", "Summer", "Lost", "Sweet", "Second", "Tender", "Late", "Secret",
         "Lemon", "Midnight", "First"),
        ("Kiss", "Postcard", "Love", "Season", "Promise", "Dance", "Letters", "Heart", "Garden",
         "Proposal", "Crush", "Vows"),
        ("Lisbon", "Positano", "the Lighthouse", "Café Lune", "Amalfi", "Rue des Rosiers"),
        ("A florist and a sceptical lawyer", "Two strangers on a night train",
         "A chef who lost her sense of taste", "Childhood sweethearts",
         "A songwriter with writer's block", "A wedding photographer"),
        ("runs into their first love after ten years", "shares a flat by mistake for one summer",
         "swaps letters without knowing who writes back",
         "falls for the one person they shouldn't"),
        ("and the timing is all wrong", "before the season ends", "against every plan",
         "one postcard at a time"),
    ),
    GenreSpec(
        "documentary", "Documentary", 5, 4, 1.0, (("12", 4), ("7", 3), ("all", 2)), (80, 110),
        (45, 55), ("historical", "nature", "music", "sports"),
        ("eye-opening", "thought-provoking", "inspiring", "investigative", "candid", "true story"),
        ("Inside", "Hidden", "Real", "Secret", "Unseen", "True", "Last", "Lost", "Modern",
         "Forgotten", "Untold", "Deep"),
        ("Kitchen", "Story", "Machine", "Empire", "Archive", "Frontier", "Reef", "Market",
         "Signal", "Experiment", "Record", "Trial"),
        ("the Arctic", "Silicon Valley", "the Amazon", "Chernobyl", "the Deep", "Mumbai"),
        ("A team of investigative journalists", "A self-taught chef", "Whistleblowers",
         "A record label", "A mountain rescue team", "Three generations of a fishing family"),
        ("tells the story behind a headline that changed a country",
         "follows one year of a restaurant fighting for its first star",
         "traces where our rubbish really goes", "opens their archives for the first time"),
        ("in their own words", "with never-seen footage", "over a decade of filming",
         "as the cameras keep rolling"),
    ),
    GenreSpec(
        "kids", "Kids", 4, 4, 1.6, (("all", 6), ("7", 4)), (70, 95), (11, 24),
        ("family", "animation", "adventure", "comedy"),
        ("fun", "colourful", "silly", "gentle", "educational", "cheerful"),
        ("Little", "Brave", "Tiny", "Super", "Happy", "Giggly", "Sleepy", "Busy", "Magic",
         "Bouncy", "Clever", "Sunny"),
        ("Dragon", "Robot", "Bear", "Rocket", "Bus", "Penguin", "Garden", "Dino", "Kite",
         "Treehouse", "Puppy", "Choo-Choo"),
        ("Puddle Lane", "Bumblebee Farm", "Cloud Town", "the Toybox", "Acorn Wood", "Moon Base"),
        ("A curious little robot", "Three best friends", "A baby dragon", "A brave penguin",
         "The smallest bus in town", "A clumsy wizard-in-training"),
        ("goes on a big adventure to find a lost kite", "learns to share at the summer fair",
         "helps everyone in the village get ready for the snow day",
         "builds a rocket out of cardboard boxes"),
        ("with lots of songs along the way", "and makes new friends", "before bedtime",
         "one giggle at a time"),
    ),
    GenreSpec(
        "family", "Family", 4, 4, 0.6, (("all", 4), ("7", 6)), (90, 115), (22, 30),
        ("kids", "comedy", "adventure", "fantasy", "animation"),
        ("heartwarming", "feel-good", "funny", "adventurous", "wholesome", "magical"),
        ("Great", "Wild", "Runaway", "Incredible", "Secret", "Grand", "Christmas", "Summer",
         "Lucky", "Amazing", "Merry", "Unlikely"),
        ("Holiday", "Treasure", "Puppy", "Rescue", "Camp", "Quest", "Pony", "Snow Day",
         "Expedition", "Pet Shop", "Recipe", "Race"),
        ("Willow Creek", "Grandma's Farm", "the Island", "Pebble Bay", "the North Pole",
         "Sunny Meadows"),
        ("A family of inventors", "A runaway puppy", "Twins on summer break",
         "A grandad and his grandson", "A misfit scout troop", "A girl and her talking horse"),
        ("set off to win the county fair", "must save the old cinema from closing",
         "find a treasure map in the attic", "cross the country in a camper van"),
        ("and learn to work together", "with a lot of laughs", "before summer ends",
         "in the adventure of a lifetime"),
    ),
    GenreSpec(
        "animation", "Animation", 4, 3, 0.9, (("all", 3), ("7", 7)), (80, 105), (20, 25),
        ("family", "kids", "adventure", "comedy", "fantasy"),
        ("colourful", "imaginative", "funny", "heartwarming", "whimsical", "epic"),
        ("Paper", "Little", "Brave", "Starry", "Clockwork", "Hidden", "Wild", "Glowing",
         "Wobbly", "Painted", "Secret", "Last"),
        ("Kingdom", "Lantern", "Fox", "Moon", "Island", "Balloon", "Owl", "Marble",
         "Lighthouse", "Compass", "Wish", "Tin Soldier"),
        ("Cloud City", "Whisker Island", "the Snowglobe", "Lantern Valley", "the Tinker Shop",
         "Starlight Bay"),
        ("A young mapmaker", "A fox who can't stop talking", "A lonely lighthouse keeper",
         "A toy left behind on a train", "A moth who loves the moon", "Two rival inventors"),
        ("follows a paper lantern to a hidden kingdom", "has to return a stolen star",
         "sails a teacup across the sea", "finds a door inside an old clock"),
        ("and discovers what friendship means", "with a little help from unlikely friends",
         "before the festival lights go out", "in a world made of paper"),
    ),
    GenreSpec(
        "anime", "Anime", 4, 3, 2.2, (("12", 6), ("16", 4)), (90, 120), (22, 25),
        ("sci-fi", "fantasy", "action", "drama", "sports"),
        ("epic", "emotional", "action-packed", "stylish", "coming-of-age", "mind-bending"),
        ("Crimson", "Neon", "Eternal", "Shattered", "Steel", "Spirit", "Blue", "Fallen",
         "Phantom", "Silver", "Wandering", "Last"),
        ("Blade", "Academy", "Alchemist", "Requiem", "Protocol", "Sky", "Ronin", "Circuit",
         "Summoner", "Guardian", "Drive", "Bloom"),
        ("Neo-Kyoto", "the Floating City", "Shibuya Zero", "the Sky Archipelago",
         "Tower 88", "the Ashlands"),
        ("A high-school pilot", "A wandering swordsman", "A shy alchemist",
         "A team of street racers", "The last summoner", "A detective who sees ghosts"),
        ("must stop the machine gods from waking", "is drafted into an academy for monsters",
         "searches for the sister who vanished into a game", "fights to protect a floating city"),
        ("as the world splits in two", "with friends who will not give up",
         "before the cherry blossoms fall", "while a prophecy counts down"),
    ),
    GenreSpec(
        "fantasy", "Fantasy", 4, 4, 1.0, (("12", 6), ("7", 2), ("16", 2)), (110, 155), (45, 60),
        ("adventure", "drama", "romance", "action"),
        ("epic", "magical", "enchanting", "mythic", "dark", "sweeping"),
        ("Iron", "Hollow", "Silver", "Shadow", "Ember", "Thorn", "Sunken", "Ashen", "Winter",
         "Gilded", "Last", "Wild"),
        ("Crown", "Throne", "Witch", "Oath", "Dragon", "Forest", "Kingdom", "Tower", "Spell",
         "Heir", "Realm", "Sword"),
        ("Eldermere", "the Northern Reach", "Vhal Doran", "the Glass Isles", "Thornwood",
         "the Sunken Court"),
        ("An exiled princess", "A blacksmith's apprentice", "The last dragon rider",
         "A witch without magic", "A thief who stole a god's name", "Twin heirs"),
        ("must unite the warring clans", "carries a cursed crown across the mountains",
         "bargains with the forest for one more year",
         "uncovers the lie at the heart of the realm"),
        ("before the long winter comes", "as old magic wakes", "and pays the price of power",
         "while the kingdom burns"),
    ),
    GenreSpec(
        "mystery", "Mystery", 4, 4, 1.3, (("12", 6), ("16", 4)), (95, 125), (45, 60),
        ("crime", "thriller", "drama", "horror"),
        ("clever", "twisty", "atmospheric", "cosy", "puzzling", "intriguing"),
        ("Missing", "Hidden", "Locked", "Silent", "Crooked", "Vanished", "Foggy", "Secret",
         "Unsolved", "Last", "Painted", "Seventh"),
        ("Key", "Guest", "Portrait", "Manor", "Diary", "Clue", "Inheritance", "Clock",
         "Letter", "Garden", "Island", "Passenger"),
        ("Ravenscourt", "Bleak Point", "the Lighthouse", "Mill Lane", "Saint Mary Mead",
         "Fenwick Abbey"),
        ("A retired schoolteacher", "An amateur sleuth", "A crime novelist",
         "A village vicar", "A sharp-eyed housekeeper", "A disgraced inspector"),
        ("investigates a death at a snowed-in manor", "finds a diary that predicts a murder",
         "is hired to find a painting that was never stolen",
         "returns to the island where a friend vanished"),
        ("and everyone has a motive", "before the tide comes in", "one clue at a time",
         "while the real culprit watches"),
    ),
    GenreSpec(
        "adventure", "Adventure", 4, 5, 0.6, (("12", 5), ("7", 4), ("all", 1)), (100, 140),
        (40, 55), ("action", "fantasy", "family", "comedy", "historical"),
        ("thrilling", "sweeping", "daring", "exotic", "epic", "fun"),
        ("Lost", "Golden", "Wild", "Forgotten", "Sunken", "Great", "Hidden", "Savage", "Far",
         "Endless", "Northern", "Jade"),
        ("Expedition", "Compass", "Map", "Treasure", "Temple", "Voyage", "Crossing", "Summit",
         "Caravan", "River", "Island", "Trail"),
        ("the Andes", "Skull Island", "the Silk Road", "El Dorado", "the Ice Shelf",
         "the Sahara"),
        ("A disgraced archaeologist", "A teenage stowaway", "A mountain guide",
         "A pilot and a cartographer", "A crew of treasure hunters", "Two rival explorers"),
        ("races to find a city swallowed by the jungle", "crosses a desert with a stolen map",
         "follows a legend to the top of the world", "sails off the edge of every chart"),
        ("with danger at every turn", "and only one way back", "before their rivals do",
         "in search of something priceless"),
    ),
    GenreSpec(
        "reality", "Reality", 3, 3, 6.0, (("12", 7), ("7", 3)), (60, 90), (40, 50),
        ("comedy", "romance", "music"),
        ("addictive", "guilty pleasure", "competitive", "glamorous", "dramatic", "fun"),
        ("Big", "Ultimate", "Perfect", "Great", "Secret", "Hot", "Island", "Celebrity",
         "Extreme", "Dream", "Million", "Final"),
        ("Bake Off", "Makeover", "Villa", "Challenge", "Match", "House", "Auction",
         "Garage", "Getaway", "Renovation", "Showdown", "Date"),
        ("Ibiza", "the Villa", "Malibu", "the Alps", "Lake Como", "Dubai"),
        ("Twelve amateur bakers", "Singles from across the country", "Rival interior designers",
         "Six families", "Ambitious estate agents", "A crew of mechanics"),
        ("competes for a life-changing prize", "swaps homes for a week",
         "tries to find love in a villa with a twist", "restores wrecks against the clock"),
        ("in front of the cameras", "with a twist every episode", "and only one can win",
         "while the drama boils over"),
    ),
    GenreSpec(
        "historical", "Historical", 3, 3, 1.3, (("12", 6), ("16", 4)), (110, 160), (50, 60),
        ("drama", "war", "romance", "adventure"),
        ("sweeping", "lavish", "period", "powerful", "epic", "true story"),
        ("Gilded", "Iron", "Forgotten", "Last", "Red", "Crimson", "Northern", "Royal",
         "Silent", "Golden", "Burning", "Winter"),
        ("Empire", "Crown", "Court", "Dynasty", "Revolution", "Queen", "Ledger", "Siege",
         "Duchess", "Charter", "Rebellion", "Armada"),
        ("Versailles", "Constantinople", "the Tudor Court", "Old Kyoto", "Vienna 1914",
         "Alexandria"),
        ("A young queen", "A printer's daughter", "A court painter", "Two rival dynasties",
         "A ship's surgeon", "A revolutionary pamphleteer"),
        ("fights to hold a crown she never wanted", "smuggles forbidden books into the capital",
         "paints the portrait that starts a war", "survives the fall of an empire"),
        ("in a time of upheaval", "as the old world ends", "based on real events",
         "while the court plots her downfall"),
    ),
    GenreSpec(
        "music", "Music", 2, 2, 0.7, (("12", 6), ("7", 3), ("16", 1)), (95, 125), (40, 50),
        ("drama", "romance", "documentary", "comedy"),
        ("uplifting", "soulful", "energetic", "nostalgic", "toe-tapping", "emotional"),
        ("Electric", "Velvet", "Midnight", "Last", "Loud", "Neon", "Golden", "Broken",
         "Blue", "Sweet", "Wild", "Rising"),
        ("Song", "Encore", "Ballad", "Record", "Stage", "Riff", "Chorus", "Tour", "Anthem",
         "Mixtape", "Session", "Beat"),
        ("Abbey Road", "Motor City", "the Roxy", "Laurel Canyon", "Club 54", "Nashville"),
        ("A garage band", "A session drummer", "A choir of retired miners",
         "A DJ from the suburbs", "A gospel singer", "A piano prodigy"),
        ("gets one shot at a national tour", "records an album in a week",
         "reunites for one last concert", "enters a battle of the bands"),
        ("and finds their voice", "with everything on the line", "against the odds",
         "one song at a time"),
    ),
    GenreSpec(
        "sports", "Sports", 2, 2, 1.3, (("12", 5), ("7", 4), ("all", 1)), (100, 125), (40, 50),
        ("drama", "documentary", "comedy", "family"),
        ("inspiring", "underdog", "rousing", "emotional", "competitive", "true story"),
        ("Last", "Final", "Perfect", "Long", "Iron", "Golden", "Second", "Underdog", "Home",
         "Fast", "Full", "Away"),
        ("Season", "Round", "Lap", "Match", "Game", "Derby", "Comeback", "Sprint", "Finish",
         "Trophy", "Pitch", "Glory"),
        ("Wembley", "the Ring", "Monaco", "the Velodrome", "Centre Court", "the Cup Final"),
        ("A small-town football club", "A washed-up boxer", "A teenage sprinter",
         "A women's rugby team", "A Formula 1 rookie", "A wheelchair basketball team"),
        ("chases promotion in its final season", "steps back into the ring for a title shot",
         "trains for an impossible qualifying time", "is given one season to prove itself"),
        ("against every prediction", "with the whole town cheering", "and nothing to lose",
         "until the final whistle"),
    ),
    GenreSpec(
        "nature", "Nature", 2, 2, 1.6, (("all", 7), ("7", 3)), (75, 95), (45, 55),
        ("documentary", "family", "adventure"),
        ("breathtaking", "calm", "educational", "awe-inspiring", "relaxing", "wild"),
        ("Wild", "Frozen", "Blue", "Hidden", "Living", "Secret", "Great", "Green", "Deep",
         "Ancient", "Untamed", "Endless"),
        ("Planet", "Ocean", "Forest", "Seasons", "Migration", "Kingdom", "Reef", "Skies",
         "Rivers", "Islands", "Nights", "Shores"),
        ("Patagonia", "the Serengeti", "Borneo", "Svalbard", "the Great Barrier Reef",
         "the Okavango"),
        ("Wildlife crews", "A family of snow leopards", "A young elephant",
         "Scientists in the canopy", "Humpback whales", "Migrating cranes"),
        ("follows one year on the edge of the ice", "tracks the longest migration on Earth",
         "explores a forest that has never been filmed", "dives into the ocean's twilight zone"),
        ("in stunning detail", "through the changing seasons", "as never seen before",
         "narrated with wonder"),
    ),
    GenreSpec(
        "war", "War", 2, 2, 0.8, (("16", 7), ("12", 2), ("18", 1)), (110, 160), (50, 60),
        ("historical", "drama", "action"),
        ("harrowing", "powerful", "intense", "gritty", "true story", "epic"),
        ("Last", "Long", "Iron", "Silent", "Burning", "Winter", "Red", "Broken", "Final",
         "Grey", "Forgotten", "Cold"),
        ("Front", "Battalion", "Crossing", "Trench", "Line", "Retreat", "Ridge", "Convoy",
         "Company", "Bridge", "Sortie", "Dawn"),
        ("the Somme", "Arnhem", "Hill 203", "the Ardennes", "Tobruk", "the Pacific"),
        ("A platoon of conscripts", "A field medic", "A radio operator", "Two brothers",
         "A bomber crew", "A resistance courier"),
        ("must hold a bridge for one more night", "crosses enemy lines with a message",
         "survives a winter in the trenches", "flies one last mission over the Channel"),
        ("as the world watches", "based on a true story", "with no way home",
         "where every order costs lives"),
    ),
    GenreSpec(
        "western", "Western", 2, 1, 0.6, (("12", 5), ("16", 5)), (100, 135), (45, 55),
        ("action", "drama", "adventure"),
        ("dusty", "gritty", "classic", "slow-burn", "rugged", "lawless"),
        ("Dead", "Last", "Lonesome", "Red", "Iron", "Dusty", "Long", "Broken", "Wild", "Silver",
         "High", "Bitter"),
        ("Rider", "Gulch", "Trail", "Sheriff", "Creek", "Bounty", "Frontier", "Outlaw", "Ranch",
         "Posse", "Canyon", "Gun"),
        ("Tombstone", "Red Rock", "Dry Creek", "the Badlands", "Silver City", "Coyote Pass"),
        ("A retired gunslinger", "A young widow", "A bounty hunter", "A travelling preacher",
         "A Pinkerton agent", "Two cattle drivers"),
        ("rides back into a town that wants him dead", "defends her ranch from a railroad baron",
         "tracks an outlaw across the desert", "guards a gold shipment through Apache country"),
        ("with six bullets and one chance", "as justice runs dry", "before sundown",
         "at the edge of the frontier"),
    ),
)
# fmt: on
GENRE_BY_SLUG = {g.slug: g for g in GENRES}

# --- Catalogue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeSpec:
    number: int
    name: str
    runtime_minutes: int


@dataclass(frozen=True)
class TitleSpec:
    """One title of the generated catalogue; `key` is stable for a given seed."""

    key: int
    name: str
    slug: str
    kind: str  # "film" or "series"
    year: int
    maturity: str
    synopsis: str
    runtime_minutes: int
    tags: tuple[str, ...]
    genres: tuple[str, ...]  # slugs, primary first
    seasons: tuple[tuple[EpisodeSpec, ...], ...] = ()
    popularity: float = 1.0  # latent: how many viewers it draws
    quality: float = 0.0  # latent: how well it is liked by those it fits
    artwork_variants: int = 3
    available_in_days: int | None = None  # announced: available this many days after seeding


def external_id(key: int, *, seed: int) -> str:
    """The idempotency key of a seeded title (Title.external_id)."""
    return f"demo:{seed}:{key}"


def slugify(text: str) -> str:
    """Like django.utils.text.slugify (kept here so this module stays Django-free)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text.lower())
    return re.sub(r"[-\s]+", "-", text).strip("-_")


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` by weights (largest remainder), at least one each when there is room."""
    n = len(weights)
    base = [1] * n if total >= n else [0] * n
    rest = total - sum(base)
    s = sum(weights)
    exact = [rest * w / s for w in weights]
    counts = [b + math.floor(e) for b, e in zip(base, exact, strict=True)]
    order = sorted(range(n), key=lambda i: (exact[i] - math.floor(exact[i]), -i), reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _title_name(rng: random.Random, g: GenreSpec) -> str:
    adj, noun, place = rng.choice(g.adjectives), rng.choice(g.nouns), rng.choice(g.places)
    noun2 = rng.choice(g.nouns)
    bare_place = place.removeprefix("the ")
    patterns = (
        (f"The {adj} {noun}", 5),
        (f"{adj} {noun}", 4),
        (f"{noun} of {place}", 3),
        (f"The {noun} at {place}", 2),
        (place, 2),
        (f"The Last {noun}", 1),
        (f"The {noun} and the {noun2}" if noun2 != noun else f"The {noun}", 1),
        (f"{adj} {bare_place}" if bare_place == place else f"Beyond {place}", 1),
    )
    name = rng.choices([p for p, _ in patterns], weights=[w for _, w in patterns])[0]
    return name[0].upper() + name[1:]


def _episode_name(rng: random.Random, g: GenreSpec, number: int) -> str:
    if number == 1 and rng.random() < 0.35:
        return "Pilot"
    patterns = (
        f"The {rng.choice(g.nouns)}",
        f"{rng.choice(g.adjectives)} {rng.choice(g.nouns)}",
        f"{rng.choice(g.nouns)} of {rng.choice(g.places)}",
        f"Chapter {number}: The {rng.choice(g.nouns)}",
    )
    name = rng.choice(patterns)
    return name[0].upper() + name[1:]


_PLURAL_STARTS = (
    "Two ",
    "Three ",
    "Six ",
    "Twelve ",
    "Twins",
    "Whistleblowers",
    "Wildlife ",
    "Scientists",
    "Humpback",
    "Migrating",
    "Singles",
    "Rival",
    "Ambitious",
    "Childhood",
)


def _agree(who: str, situation: str) -> str:
    """Situations are written for one subject ("moves into..."); make the verb agree."""
    if not (who.startswith(_PLURAL_STARTS) or " and " in who):
        return situation
    words = situation.split(" ")
    i = 1 if words[0].endswith("ly") else 0  # "accidentally becomes"
    verb = words[i]
    irregular = {"is": "are", "has": "have", "does": "do", "goes": "go", "must": "must"}
    if verb in irregular:
        verb = irregular[verb]
    elif verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif verb.endswith(("sses", "shes", "ches", "xes", "zzes")):
        verb = verb[:-2]
    elif verb.endswith("s"):
        verb = verb[:-1]
    words[i] = verb
    return " ".join(words)


def _synopsis(rng: random.Random, g: GenreSpec) -> str:
    who = rng.choice(g.who)
    return f"{who} {_agree(who, rng.choice(g.situation))} {rng.choice(g.turn)}."


def _year(rng: random.Random, g: GenreSpec) -> int:
    # Skewed recent: most of a streaming catalogue is from the last decade or so.
    span = LAST_YEAR - FIRST_YEAR
    age = rng.betavariate(1.0, 3.2 if not g.kids else 5.0) * span
    return LAST_YEAR - int(age)


def catalogue(*, n_titles: int, seed: int) -> list[TitleSpec]:
    """The demo catalogue: `n_titles` titles across every genre, ~30% series."""
    weights = [g.share for g in GENRES]
    per_genre = _allocate(n_titles, weights)
    mean_propensity = sum(g.series * g.share for g in GENRES) / sum(weights)
    specs: list[TitleSpec] = []
    used_names: set[str] = set()
    used_slugs: set[str] = set()
    key = 0
    # Popularity is Zipf-like over a seeded permutation, so a few titles draw most viewers.
    ranks = list(range(n_titles))
    random.Random(f"{seed}:ranks").shuffle(ranks)
    for g, count in zip(GENRES, per_genre, strict=True):
        for _ in range(count):
            rng = random.Random(f"{seed}:title:{key}")
            name = _title_name(rng, g)
            for attempt in range(30):
                if name not in used_names and slugify(name) not in used_slugs:
                    break
                name = _title_name(rng, g) if attempt < 25 else f"{name} {attempt}"
            used_names.add(name)
            slug = slugify(name)
            used_slugs.add(slug)
            genres = [g.slug]
            extra = rng.choices([0, 1, 2], weights=[45, 40, 15])[0]
            companions = [
                c for c in g.companions if g.kids or not GENRE_BY_SLUG[c].kids
            ]  # an adult title never carries a kids genre (its rating would be wrong)
            for c in rng.sample(companions, k=min(extra, len(companions))):
                genres.append(c)
            maturity = rng.choices(
                [m for m, _ in g.maturities], weights=[w for _, w in g.maturities]
            )[0]
            if any(GENRE_BY_SLUG[s].kids for s in genres):
                maturity = maturity if maturity in KIDS_RATINGS else "7"
            is_series = rng.random() < min(0.95, SERIES_SHARE * g.series / mean_propensity)
            year = _year(rng, g)
            moods = rng.sample(g.moods, k=rng.randint(2, 3))
            for c in genres[1:]:
                moods.append(rng.choice(GENRE_BY_SLUG[c].moods))
            tags = tuple(dict.fromkeys(moods + (["bingeable"] if is_series else [])))
            seasons: tuple[tuple[EpisodeSpec, ...], ...] = ()
            if is_series:
                n_seasons = rng.choices([1, 2, 3, 4], weights=[45, 30, 15, 10])[0]
                lo, hi = g.episode_minutes
                seasons = tuple(
                    tuple(
                        EpisodeSpec(e, _episode_name(rng, g, e), rng.randint(lo, hi))
                        for e in range(1, rng.randint(6, 10) + 1)
                    )
                    for _ in range(n_seasons)
                )
                runtime = round(sum(e.runtime_minutes for e in seasons[0]) / len(seasons[0]))
            else:
                runtime = rng.randint(*g.film_minutes)
            rank = ranks[key]
            popularity = (1.0 / (rank + 8) ** 0.9) * (1.6 if year >= LAST_YEAR - 3 else 1.0)
            soon = rng.random() < COMING_SOON_SHARE
            specs.append(
                TitleSpec(
                    key=key,
                    name=name,
                    slug=slug,
                    kind="series" if is_series else "film",
                    year=LAST_YEAR if soon else year,
                    maturity=maturity,
                    synopsis=_synopsis(rng, g),
                    runtime_minutes=runtime,
                    tags=tags,
                    genres=tuple(genres),
                    seasons=seasons,
                    popularity=popularity,
                    quality=rng.gauss(0.0, 1.0),
                    artwork_variants=rng.choice((3, 4, 4, 5)),
                    available_in_days=rng.randint(2, 30) if soon else None,
                )
            )
            key += 1
    return specs


# --- Viewers ----------------------------------------------------------------------------------

TIME_ZONES = (
    ("Europe/Paris", 40),
    ("Europe/London", 20),
    ("Europe/Berlin", 15),
    ("America/New_York", 15),
    ("America/Los_Angeles", 10),
)
DEVICE_LABELS = {
    "tv": ("Samsung Smart TV", "LG webOS TV", "Android TV", "Apple TV"),
    "phone": ("Safari on iOS", "Chrome on Android"),
    "tablet": ("Safari on iOS", "Chrome on Android"),
    "computer": ("Chrome on Windows", "Safari on macOS", "Firefox on Linux", "Edge on Windows"),
    "console": ("PlayStation", "Xbox"),
}
FIRST_NAMES = (
    "Alex",
    "Sam",
    "Charlie",
    "Jamie",
    "Robin",
    "Noor",
    "Lea",
    "Hugo",
    "Ines",
    "Tom",
    "Mia",
    "Lucas",
    "Emma",
    "Nina",
    "Omar",
    "Yara",
    "Leo",
    "Chloe",
    "Arjun",
    "Sofia",
    "Ben",
    "Zoe",
    "Marco",
    "Ana",
    "Felix",
    "Ella",
    "Ravi",
    "Jade",
    "Nils",
    "Ada",
    "Theo",
    "Lina",
    "Kenji",
    "Maya",
    "Paul",
    "Iris",
    "Sara",
    "Adam",
    "Lou",
    "Eva",
)

# Hour-of-day habits, local time: (weekday weights, weekend weights) over 24 hours.
# fmt: off
_EVENING = [0.2] * 6 + [0.3, 0.5, 0.4, 0.3, 0.4, 0.6, 0.9, 0.7, 0.6, 0.7, 0.9, 1.2, 2.0, 3.5,
                        5.5, 6.0, 4.0, 1.5]
_LATE = [2.5, 1.8, 1.0, 0.4, 0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 0.8, 0.8, 0.9, 1.0,
         1.2, 1.5, 2.0, 2.8, 3.8, 5.0, 4.5]
_DAYTIME = [0.1] * 7 + [0.5, 1.0, 2.0, 2.5, 2.8, 3.0, 3.2, 3.0, 2.8, 2.5, 2.0, 1.8, 1.8, 1.6,
                        1.2, 0.6, 0.3]
_COMMUTE = [0.1] * 6 + [1.5, 4.5, 4.0, 1.0, 0.3, 0.4, 1.0, 0.4, 0.3, 0.5, 1.5, 3.0, 2.0, 2.0,
                        2.5, 2.5, 1.2, 0.4]
_KIDS = [0.0] * 7 + [1.5, 2.0, 1.5, 0.8, 0.6, 0.6, 0.8, 1.0, 2.0, 3.5, 4.0, 3.0, 1.2, 0.2,
                     0.0, 0.0, 0.0]
# fmt: on
HABITS: dict[str, tuple[list[float], list[float]]] = {
    "evening": (_EVENING, [w + 1.0 if 13 <= h <= 18 else w for h, w in enumerate(_EVENING)]),
    "late-night": (_LATE, _LATE),
    "daytime": (_DAYTIME, _DAYTIME),
    "commuter": (_COMMUTE, _EVENING),
    "kids": (_KIDS, [w + 1.5 if 7 <= h <= 11 else w for h, w in enumerate(_KIDS)]),
}


@dataclass(frozen=True)
class ProfileSpec:
    """A profile's latent habits: what it likes, when and on what it watches, how much."""

    name: str
    is_kids: bool
    color: int
    taste: tuple[tuple[str, float], ...]  # (genre slug, weight), weights sum to 1
    habit: str  # a key of HABITS
    devices: tuple[str, ...]  # device kinds
    sessions_per_week: float
    active_from: int  # days before the seed's now
    active_until: int  # days before the seed's now; 0 = still watching
    favourites: int  # how many favourite series it binges
    binge: float  # chance that a session continues a series in progress
    rate_rate: float  # chance that a finished title gets rated


@dataclass(frozen=True)
class ViewerSpec:
    index: int
    email: str
    time_zone: str
    joined_days_ago: int
    profiles: tuple[ProfileSpec, ...]


def _taste(rng: random.Random, *, kids: bool) -> tuple[tuple[str, float], ...]:
    """Dirichlet-like genre affinities: one to three dominant genres, a little of the rest."""
    pool = [g for g in GENRES if g.kids or g.slug in _KID_FRIENDLY] if kids else list(GENRES)
    dominant_pool = [g for g in pool if g.kids] if kids else pool
    n_dominant = rng.choices([1, 2, 3], weights=[3, 4, 3])[0]
    dominant: list[GenreSpec] = []
    candidates = list(dominant_pool)
    while candidates and len(dominant) < n_dominant:
        pick = rng.choices(candidates, weights=[g.appeal for g in candidates])[0]
        dominant.append(pick)
        candidates.remove(pick)
    weights = {g.slug: rng.gammavariate(0.4, 1.0) * 0.12 for g in pool}
    for g in dominant:
        weights[g.slug] += rng.gammavariate(5.0, 1.0)
    total = sum(weights.values())
    return tuple(sorted(((s, w / total) for s, w in weights.items()), key=lambda x: -x[1]))


# Adult genres with a share of titles rated for children: a kids profile may like them too.
_KID_FRIENDLY = ("adventure", "comedy", "fantasy", "nature", "sports", "music", "documentary")


def _devices(rng: random.Random, *, habit: str, kids: bool) -> tuple[str, ...]:
    if kids:
        return tuple(rng.sample(("tablet", "tv"), k=rng.choice((1, 2))))
    first = {
        "evening": "tv",
        "late-night": "computer",
        "daytime": "computer",
        "commuter": "phone",
    }.get(habit, "tv")
    others = [k for k in ("tv", "phone", "computer", "tablet", "console") if k != first]
    extra = rng.sample(others, k=rng.choices([0, 1, 2], weights=[3, 5, 2])[0])
    return (first, *extra)


def _profile_spec(
    rng: random.Random, *, name: str, color: int, kids: bool, joined: int, lapsed_at: int
) -> ProfileSpec:
    habit = (
        "kids"
        if kids
        else rng.choices(
            ["evening", "late-night", "daytime", "commuter"], weights=[60, 15, 10, 15]
        )[0]
    )
    # Most accounts watch lightly, a few a lot: lognormal sessions per week.
    spw = min(6.0, max(0.1, math.exp(rng.gauss(math.log(0.3), 0.75))))
    return ProfileSpec(
        name=name,
        is_kids=kids,
        color=color,
        taste=_taste(rng, kids=kids),
        habit=habit,
        devices=_devices(rng, habit=habit, kids=kids),
        sessions_per_week=spw * (1.3 if kids else 1.0),
        active_from=max(1, joined - rng.randint(0, 20)),
        active_until=lapsed_at,
        favourites=rng.choices([1, 2, 3], weights=[4, 4, 2])[0],
        binge=rng.uniform(0.45, 0.85),
        rate_rate=rng.betavariate(2.5, 3.0),
    )


def viewers(*, n_viewers: int, seed: int) -> list[ViewerSpec]:
    """Synthetic accounts with one or two profiles each (some second profiles are kids)."""
    out: list[ViewerSpec] = []
    for index in range(n_viewers):
        rng = random.Random(f"{seed}:viewer:{index}")
        tz = rng.choices([t for t, _ in TIME_ZONES], weights=[w for _, w in TIME_ZONES])[0]
        # Most accounts are older than the history window; the rest joined during it.
        joined = HISTORY_DAYS if rng.random() < 0.6 else rng.randint(10, HISTORY_DAYS)
        lapsed_at = rng.randint(20, max(21, joined - 30)) if rng.random() < 0.12 else 0
        names = rng.sample(FIRST_NAMES, k=2)
        profiles = [
            _profile_spec(
                rng, name=names[0], color=0, kids=False, joined=joined, lapsed_at=lapsed_at
            )
        ]
        if rng.random() < 0.45:
            kids = rng.random() < 0.3
            profiles.append(
                _profile_spec(
                    rng,
                    name="Kids" if kids else names[1],
                    color=1,
                    kids=kids,
                    joined=max(1, joined - rng.randint(0, 60)),
                    lapsed_at=lapsed_at,
                )
            )
        out.append(
            ViewerSpec(
                index=index,
                email=viewer_email(index, seed=seed),
                time_zone=tz,
                joined_days_ago=joined,
                profiles=tuple(profiles),
            )
        )
    return out


def viewer_email(index: int, *, seed: int) -> str:
    return f"viewer{index:05d}.s{seed}@viewers.demo.test"


def device_key(prefix: str, kind: str) -> str:
    return f"{prefix}-{kind}"


def device_label(key: str, kind: str) -> str:
    labels = DEVICE_LABELS[kind]
    return labels[sum(map(ord, key)) % len(labels)]


# --- History ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexedTitle:
    """What the history generator needs of a title that exists in the database."""

    title_id: int
    kind: str
    genres: tuple[str, ...]
    runtime_seconds: int
    episodes: tuple[tuple[int, int], ...] = ()  # (episode_id, runtime_seconds) in watch order
    popularity: float = 1.0
    quality: float = 0.0
    kids: bool = False
    year: int = 2000


@dataclass
class CatalogueIndex:
    """Titles grouped for fast weighted picks by (genre, kind, kids only)."""

    titles: list[IndexedTitle]
    _pools: dict[tuple[str, str, bool], tuple[list[IndexedTitle], list[float]]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        groups: dict[tuple[str, str, bool], list[IndexedTitle]] = {}
        for t in sorted(self.titles, key=lambda t: t.title_id):
            for g in t.genres:
                groups.setdefault((g, t.kind, False), []).append(t)
                if t.kids:
                    groups.setdefault((g, t.kind, True), []).append(t)
        for k, items in groups.items():
            self._pools[k] = (items, list(itertools.accumulate(t.popularity for t in items)))

    def pick(self, rng: random.Random, *, genre: str, kind: str, kids: bool) -> IndexedTitle | None:
        pool = self._pools.get((genre, kind, kids))
        if pool is None:
            return None
        items, cum = pool
        return items[bisect.bisect_left(cum, rng.random() * cum[-1])]

    def ranked(self, *, genres: Sequence[str], kind: str, kids: bool) -> list[IndexedTitle]:
        """Titles whose primary genre is one of `genres`, most popular first (stable)."""
        wanted = set(genres)
        items = [
            t
            for t in self.titles
            if t.kind == kind and t.genres and t.genres[0] in wanted and (t.kids or not kids)
        ]
        return sorted(items, key=lambda t: (-t.popularity, t.title_id))


@dataclass(frozen=True)
class SeedEvent:
    """One event to write: plain data, turned into tracking's EventData by the service."""

    name: str
    occurred_at: datetime
    properties: dict
    device_kind: str
    client_id: str


def _affinity(taste: dict[str, float], top: float, title: IndexedTitle) -> float:
    """How well a title fits a taste, relative to the favourite genre (about 0 to 1.5)."""
    return sum(taste.get(g, 0.0) for g in title.genres) / top


def _rating_value(rng: random.Random, fit: float, quality: float) -> int:
    score = fit + 0.35 * quality + rng.gauss(0.0, 0.4)
    if score > 1.3:
        return 2
    if score > 0.35:
        return 1
    return -1


_DEVICE_HOURS = {
    "tv": lambda h: 4.0 if 18 <= h <= 23 else 1.0,
    "phone": lambda h: 4.0 if h in (6, 7, 8, 9, 0, 1, 2, 23) else 0.8,
    "computer": lambda h: 2.5 if 9 <= h <= 17 or h in (0, 1, 2) else 1.0,
    "tablet": lambda h: 2.0,
    "console": lambda h: 1.5 if 17 <= h <= 23 else 0.3,
}


def _device_for(rng: random.Random, devices: Sequence[str], hour: int) -> str:
    if len(devices) == 1:
        return devices[0]
    return rng.choices(devices, weights=[_DEVICE_HOURS[d](hour) for d in devices])[0]


class _Writer:
    """Collects a profile's events in time order, dropping anything after `now`."""

    def __init__(self, *, now: datetime, client_prefix: str) -> None:
        self.now = now
        self.prefix = client_prefix
        self.events: list[SeedEvent] = []

    def add(self, name: str, at: datetime, props: dict, device: str) -> bool:
        if at >= self.now:
            return False
        self.events.append(
            SeedEvent(name, at, props, device, f"{self.prefix}-{len(self.events):05d}")
        )
        return True


def _play(
    w: _Writer,
    *,
    title: IndexedTitle,
    episode: tuple[int, int] | None,
    start: datetime,
    stop_fraction: float | None,
    device: str,
    progress_note: bool,
    series_finished: bool = False,
) -> datetime:
    """One viewing: started, maybe a progress note, completed unless stopped. Returns the end."""
    duration = episode[1] if episode else title.runtime_seconds
    base = {"title_id": title.title_id}
    if episode:
        base["episode_id"] = episode[0]
    w.add(
        "play_started", start, {**base, "position_seconds": 0, "duration_seconds": duration}, device
    )
    if stop_fraction is not None:
        position = int(duration * stop_fraction)
        at = start + timedelta(seconds=position)
        w.add(
            "play_progress",
            at,
            {**base, "position_seconds": position, "duration_seconds": duration},
            device,
        )
        return at
    end = start + timedelta(seconds=duration)
    if progress_note:
        half = duration // 2
        w.add(
            "play_progress",
            start + timedelta(seconds=half),
            {**base, "position_seconds": half, "duration_seconds": duration},
            device,
        )
    props = {**base, "position_seconds": duration, "duration_seconds": duration}
    if series_finished:
        props["series_finished"] = True
    w.add("play_completed", end, props, device)
    return end


def _local_start(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(UTC)


def profile_history(
    *,
    profile: ProfileSpec,
    time_zone: str,
    index: CatalogueIndex,
    now: datetime,
    rng_key: str,
    client_prefix: str,
) -> list[SeedEvent]:
    """A synthetic profile's events over its active days, oldest first."""
    rng = random.Random(rng_key)
    tz = ZoneInfo(time_zone)
    today = now.astimezone(tz).date()
    taste = dict(profile.taste)
    genres = [g for g, _ in profile.taste]
    genre_weights = list(itertools.accumulate(w for _, w in profile.taste))
    top = profile.taste[0][1]
    kids = profile.is_kids
    weekday_hours, weekend_hours = HABITS[profile.habit]
    w = _Writer(now=now, client_prefix=client_prefix)
    done: set[int] = set()  # films seen or given up, series finished or dropped
    in_progress: list[list] = []  # [title, next episode index, is favourite, rated]
    favourites_left = profile.favourites

    def pick(kind: str, day_index: int) -> IndexedTitle | None:
        for _ in range(6):
            genre = genres[bisect.bisect_left(genre_weights, rng.random() * genre_weights[-1])]
            t = index.pick(rng, genre=genre, kind=kind, kids=kids)
            if t is None or t.title_id in done:
                continue
            if any(t is p[0] for p in in_progress):
                continue
            # A title from this year only became watchable in January.
            if (today - date(t.year, 1, 1)).days < day_index:
                continue
            return t
        return None

    p_day = profile.sessions_per_week / 7.0
    for days_ago in range(profile.active_from, profile.active_until - 1, -1):
        day = today - timedelta(days=days_ago)
        weekend = day.weekday() >= 5
        if rng.random() >= p_day * (1.35 if weekend else 0.86):
            continue
        hours = weekend_hours if weekend else weekday_hours
        hour = rng.choices(range(24), weights=hours)[0]
        start = _local_start(day, hour, rng.randrange(0, 60, 5), tz)
        if days_ago == 0 and start >= now:
            continue
        device = _device_for(rng, profile.devices, hour)
        roll = rng.random()
        if in_progress and roll < profile.binge:
            favourites = [s for s in in_progress if s[2]]
            state = favourites[0] if favourites and rng.random() < 0.8 else rng.choice(in_progress)
            _episodes(w, rng, profile, state, start, device, taste, top, in_progress, done)
        elif roll < profile.binge + 0.25 * (1 - profile.binge) or (kids and roll < 0.8):
            t = pick("series", days_ago)
            if t is None:
                continue
            favourite = favourites_left > 0 and _affinity(taste, top, t) > 0.6
            favourites_left -= favourite
            state = [t, 0, favourite, False]
            in_progress.append(state)
            _episodes(w, rng, profile, state, start, device, taste, top, in_progress, done)
        else:
            t = pick("film", days_ago)
            if t is None:
                continue
            done.add(t.title_id)
            fit = _affinity(taste, top, t)
            finish_p = min(0.95, max(0.2, 0.45 + 0.4 * min(fit, 1.0) + 0.08 * t.quality))
            finished = rng.random() < finish_p
            end = _play(
                w,
                title=t,
                episode=None,
                start=start,
                device=device,
                stop_fraction=None if finished else rng.uniform(0.08, 0.6),
                progress_note=rng.random() < 0.08,
            )
            if finished and rng.random() < profile.rate_rate:
                w.add(
                    "rating",
                    end + timedelta(seconds=rng.randint(5, 90)),
                    {"title_id": t.title_id, "value": _rating_value(rng, fit, t.quality)},
                    device,
                )
            elif not finished and fit < 0.4 and rng.random() < profile.rate_rate:
                w.add(
                    "rating",
                    end + timedelta(seconds=30),
                    {"title_id": t.title_id, "value": -1},
                    device,
                )
    return w.events


def _episodes(
    w: _Writer,
    rng: random.Random,
    profile: ProfileSpec,
    state: list,
    start: datetime,
    device: str,
    taste: dict[str, float],
    top: float,
    in_progress: list[list],
    done: set[int],
) -> None:
    """Watch the next episodes of a series in one sitting (a binge for favourites)."""
    title, next_index, favourite, rated = state
    fit = _affinity(taste, top, title)
    count = rng.randint(3, 6) if favourite else rng.choices([1, 2, 3, 4], weights=[4, 4, 2, 1])[0]
    at = start
    for _ in range(count):
        if next_index >= len(title.episodes):
            break
        last = next_index == len(title.episodes) - 1
        # Episodes of a series that does not fit are dropped part-way now and then.
        stop = None
        if not favourite and fit < 0.5 and rng.random() < 0.18:
            stop = rng.uniform(0.1, 0.7)
        end = _play(
            w,
            title=title,
            episode=title.episodes[next_index],
            start=at,
            device=device,
            stop_fraction=stop,
            progress_note=rng.random() < 0.03,
            series_finished=last and stop is None,
        )
        if stop is not None:
            in_progress.remove(state)
            done.add(title.title_id)
            if rng.random() < profile.rate_rate:
                w.add(
                    "rating",
                    end + timedelta(seconds=20),
                    {"title_id": title.title_id, "value": -1},
                    device,
                )
            return
        next_index += 1
        at = end + timedelta(seconds=rng.randint(5, 120))
    state[1] = next_index
    # Series get rated once, after a few episodes or at the end.
    rated_moment = not rated and (next_index >= 3 or next_index == len(title.episodes))
    if rated_moment and rng.random() < min(1.0, profile.rate_rate * 1.3):
        state[3] = True
        w.add(
            "rating",
            at + timedelta(seconds=rng.randint(10, 60)),
            {
                "title_id": title.title_id,
                "value": _rating_value(rng, fit + (0.3 if favourite else 0.0), title.quality),
            },
            device,
        )
    if next_index >= len(title.episodes):
        in_progress.remove(state)
        done.add(title.title_id)


# --- Scripted histories (personas) ------------------------------------------------------------


@dataclass(frozen=True)
class Films:
    """Watch `count` films of these genres between two days (days before now) at these hours."""

    genres: tuple[str, ...]
    count: int
    days: tuple[int, int]  # (from, to) days ago, from > to
    hours: tuple[int, int]  # local start hour range, inclusive; may wrap midnight (22, 1)
    love: int = 0  # the first `love` films get a love rating, then `like`, then `dislike`
    like: int = 0
    dislike: int = 0
    stop_at: float | None = None  # stop every film at this fraction (continue watching)
    device: str = "tv"
    skip: int = 0  # skip the most popular ones (another act took them)


@dataclass(frozen=True)
class Binge:
    """Watch `series` whole series of these genres, several episodes an evening."""

    genres: tuple[str, ...]
    series: int
    days: tuple[int, int]
    hours: tuple[int, int]
    per_night: tuple[int, int] = (3, 5)
    episodes: int | None = None  # stop after this many episodes (mid-series), else finish
    love: int = 0
    like: int = 0
    device: str = "tv"
    skip: int = 0


type Act = Films | Binge


def _hour_in(rng: random.Random, hours: tuple[int, int]) -> int:
    lo, hi = hours
    span = (hi - lo) % 24
    return (lo + rng.randint(0, span)) % 24


def _spread(first: int, last: int, n: int) -> list[int]:
    """n day offsets (days ago) evenly from `first` down to `last`."""
    if n <= 1:
        return [last]
    return [round(first - (first - last) * i / (n - 1)) for i in range(n)]


def scripted_history(
    *,
    acts: Sequence[Act],
    time_zone: str,
    index: CatalogueIndex,
    now: datetime,
    rng_key: str,
    client_prefix: str,
    kids: bool = False,
) -> list[SeedEvent]:
    """A hand-shaped history: the acts, in order, on the most popular titles that fit."""
    rng = random.Random(rng_key)
    tz = ZoneInfo(time_zone)
    today = now.astimezone(tz).date()
    w = _Writer(now=now, client_prefix=client_prefix)
    used: set[int] = set()
    for act in acts:
        kind = "film" if isinstance(act, Films) else "series"
        ranked = [
            t
            for t in index.ranked(genres=act.genres, kind=kind, kids=kids)
            if t.title_id not in used
        ][act.skip :]
        if isinstance(act, Films):
            chosen = ranked[: act.count]
            used.update(t.title_id for t in chosen)
            for i, (t, days_ago) in enumerate(
                zip(chosen, _spread(*act.days, len(chosen)), strict=False)
            ):
                day = today - timedelta(days=days_ago)
                start = _local_start(day, _hour_in(rng, act.hours), rng.randrange(0, 60, 5), tz)
                end = _play(
                    w,
                    title=t,
                    episode=None,
                    start=start,
                    device=act.device,
                    stop_fraction=act.stop_at,
                    progress_note=False,
                )
                value = (
                    2
                    if i < act.love
                    else 1
                    if i < act.love + act.like
                    else -1
                    if i < act.love + act.like + act.dislike
                    else None
                )
                if value is not None:
                    w.add(
                        "rating",
                        end + timedelta(seconds=40),
                        {"title_id": t.title_id, "value": value},
                        act.device,
                    )
        else:
            chosen = [t for t in ranked if t.episodes][: act.series]
            used.update(t.title_id for t in chosen)
            nights_total = 0
            plans = []
            for t in chosen:
                n_eps = (
                    len(t.episodes) if act.episodes is None else min(act.episodes, len(t.episodes))
                )
                nights: list[int] = []
                left = n_eps
                while left > 0:
                    k = min(left, rng.randint(*act.per_night))
                    nights.append(k)
                    left -= k
                plans.append((t, n_eps, nights))
                nights_total += len(nights)
            days = iter(_spread(*act.days, nights_total))
            for i, (t, n_eps, nights) in enumerate(plans):
                ep = 0
                at = start = None
                for k in nights:
                    day = today - timedelta(days=next(days))
                    start = _local_start(day, _hour_in(rng, act.hours), rng.randrange(0, 60, 5), tz)
                    at = start
                    for _ in range(k):
                        last_wanted = ep == n_eps - 1
                        mid_series_stop = act.episodes is not None and last_wanted
                        at = _play(
                            w,
                            title=t,
                            episode=t.episodes[ep],
                            start=at,
                            device=act.device,
                            stop_fraction=0.4 if mid_series_stop else None,
                            progress_note=False,
                            series_finished=ep == len(t.episodes) - 1,
                        ) + timedelta(seconds=rng.randint(5, 60))
                        ep += 1
                value = 2 if i < act.love else 1 if i < act.love + act.like else None
                if value is not None and at is not None:
                    w.add(
                        "rating",
                        at + timedelta(seconds=30),
                        {"title_id": t.title_id, "value": value},
                        act.device,
                    )
    w.events.sort(key=lambda e: e.occurred_at)
    # Client ids were numbered in act order; renumber in time order so they read naturally.
    return [
        SeedEvent(e.name, e.occurred_at, e.properties, e.device_kind, f"{client_prefix}-{i:05d}")
        for i, e in enumerate(w.events)
    ]


def iter_histories(
    *,
    viewers: Sequence[tuple[ViewerSpec, Sequence[int | None]]],
    index: CatalogueIndex,
    now: datetime,
    seed: int,
) -> Iterator[tuple[int, int, list[SeedEvent]]]:
    """(viewer index, profile index, events) for each profile whose database id is given."""
    for viewer, profile_ids in viewers:
        for p, (profile, profile_id) in enumerate(zip(viewer.profiles, profile_ids, strict=True)):
            if profile_id is None:
                continue
            yield (
                viewer.index,
                p,
                profile_history(
                    profile=profile,
                    time_zone=viewer.time_zone,
                    index=index,
                    now=now,
                    rng_key=f"{seed}:history:{viewer.index}:{p}",
                    client_prefix=f"s{seed}-v{viewer.index}-p{p}",
                ),
            )
