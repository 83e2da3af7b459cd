"""A seeded, labelled corpus of civic social posts: 7 request types plus "not a request".

Written for this project (nothing downloaded): posts are assembled from hand-written fragments
the way residents write — typos, slang, hashtags, @mentions, emoji, shouting, missing words — and
the classes overlap as they do in real feeds: chatter that names a pothole or a bin ("pothole
festival", "bin day selfie"), requests that use no rule keyword at all ("road is a crater
field"), and a few posts staff labelled against the obvious reading. The request types come
with the keyword rules a city would configure (`RULES`), which seed the classifier.

    posts(3000, seed=1)  -> [(text, label), ...]   labels "1".."7" and NOT_A_REQUEST
"""

import random

from cityux_social.classifier import NOT_A_REQUEST
from cityux_social.rules import RuleSet

RULES = [
    RuleSet(
        1, keywords=("pothole", "sinkhole"), phrases=("hole in the road",), hashtags=("#pothole",)
    ),
    RuleSet(2, keywords=("trash", "garbage", "recycling", "bin"), phrases=("missed pickup",)),
    RuleSet(3, keywords=("streetlight", "lamppost"), phrases=("light out",)),
    RuleSet(4, keywords=("graffiti", "tagging", "vandalism"), hashtags=("#graffiti",)),
    RuleSet(5, keywords=("abandoned", "junk car"), phrases=("abandoned car",)),
    RuleSet(6, keywords=("leak", "hydrant", "flooding"), phrases=("water main",)),
    RuleSet(7, keywords=("dumping", "mattress", "couch"), phrases=("illegal dumping",)),
]
NAMES = {
    "1": "Pothole",
    "2": "Missed collection",
    "3": "Streetlight out",
    "4": "Graffiti",
    "5": "Abandoned vehicle",
    "6": "Water leak",
    "7": "Illegal dumping",
    NOT_A_REQUEST: "Not a request",
}

PLACES = [
    "Elm St", "elm street", "Oak Ln", "main & 3rd", "Birch Rd", "cedar dr", "Poplar St",
    "5th ave", "the corner of Pine and 9th", "Willow Way", "outside the library", "Juniper Ct",
    "by the school on Maple", "Riverside Dr", "Harbor Blvd", "the Kroger lot", "Lincoln Park",
    "Walnut & 12th", "Station Rd", "my block", "our street", "Chestnut Ln", "Fairview Ave",
]  # fmt: skip

REQUESTS = {
    "1": [
        "huge pothole on {p}", "pot hole on {p} just ate my tire", "{p} is a crater field now",
        "another sinkhole opening up at {p}", "the hole in the road on {p} is getting deeper",
        "road on {p} is completely broken up, axle almost snapped", "potholes EVERYWHERE on {p}",
        "can someone fix the road surface at {p}, its crumbling",
        "massive dip in the asphalt on {p}",
        "bike wheel bent in a pothole at {p}", "pothloe at {p} been there for weeks",
    ],
    "2": [
        "trash not picked up on {p} again", "missed pickup on {p}, bins overflowing",
        "recycling sat out all week on {p}", "garbage truck skipped {p} AGAIN",
        "nobody emptied the bins on {p}", "our trash is still on the curb at {p}",
        "3rd week no collection on {p}, it stinks", "grbage day came and went on {p}, nothing",
        "compost bin never got emptied at {p}", "the rubbish is piling up on {p} since tuesday",
    ],
    "3": [
        "streetlight out on {p}", "light out at the crosswalk on {p}, pitch black",
        "lamppost flickering all night at {p}", "the street lamp on {p} has been dead a week",
        "{p} is so dark at night, every light is off", "streetlite broken at {p}",
        "lights on {p} out since the storm, feels unsafe walking home",
        "lamp post knocked over at {p}, wires hanging",
    ],
    "4": [
        "graffiti all over the underpass at {p}", "someone tagged the whole wall on {p}",
        "fresh tagging on the bus shelter at {p}", "spray paint on every mailbox on {p}",
        "vandalism on the playground at {p}, slurs painted on the slide",
        "grafitti on the school fence at {p} again", "the mural on {p} got sprayed over",
    ],
    "5": [
        "abandoned car on {p} for a month", "junk car sitting on {p} with flat tires",
        "a van hasnt moved from {p} in weeks, no plates", "burnt out car left at {p}",
        "abandonded truck blocking the alley off {p}",
        "car on {p} covered in tickets and dust, been there forever",
        "stripped sedan parked on {p} since march",
    ],
    "6": [
        "water leak on {p}, street is flooding", "hydrant gushing water at {p}",
        "water main broke on {p}", "water bubbling up through the pavement at {p}",
        "big puddle that never dries at {p}, smells like a pipe burst",
        "leaking hydrant at {p} for days",
        "flooding on {p} and its not even raining", "water pouring out of the ground near {p}",
    ],
    "7": [
        "someone dumped a mattress on {p}", "illegal dumping behind {p} again",
        "pile of old tires dumped at {p}", "couch and fridge left on the sidewalk at {p}",
        "construction debris dumped in the lot on {p}", "bags of junk thrown in the creek near {p}",
        "people keep dumping stuff at {p}, its a tip now",
        "old tv and matress on the curb at {p} for weeks",
    ],
}  # fmt: skip

CHATTER = [
    "what a sunset over {p} tonight", "best tacos in town are on {p}",
    "great game at {p}, go team", "farmers market at {p} this saturday!",
    "anyone know a good plumber near {p}?", "lost dog near {p}, brown lab, answers to Max",
    "the pothole festival parade on {p} was a blast", "bin day selfie, living my best life",
    "my cat thinks the recycling bin is a throne", "council voted on the budget tonight, thoughts?",
    "new coffee spot on {p} is amazing", "traffic on {p} is awful at rush hour lol",
    "the light out here in the evenings is magic", "garbage movie, do not recommend",
    "happy birthday to the best neighbour on {p}", "road trip this weekend, leaving from {p}",
    "this graffiti mural on {p} is stunning, the artist is so talented",
    "that abandoned mall aesthetic on {p} tho", "free couch on {p}, first come first served",
    "kids loved the splash pad and the hydrant show at {p}",
    "thanks for fixing the road on {p} so fast!",
    "reading in Lincoln Park, perfect weather", "who else heard the fireworks near {p}?",
    "voting today at the school on {p}", "library book sale was so much fun",
]  # fmt: skip

OPENERS = ["", "", "", "ugh ", "hey ", "PSA: ", "so ", "again, ", "yo ", "fyi "]
CLOSERS = [
    "", "", "", " pls fix", " please", " smh", " !!", " lol", " 😡", " 🙄", " thx",
    " someone will get hurt", " been like this for days", " wtf", " 🙏",
]  # fmt: skip
MENTIONS = ["@CityHelp", "@RivertonCity", "@mayor_office", "@311Riverton", "@PublicWorks"]
HASHTAGS = {
    "1": ["#pothole", "#roads", "#fixit"],
    "2": ["#trashday", "#garbage", "#recycling"],
    "3": ["#streetlight", "#safety"],
    "4": ["#graffiti", "#vandalism"],
    "5": ["#abandonedcar", "#parking"],
    "6": ["#waterleak", "#flooding"],
    "7": ["#illegaldumping", "#litter"],
    NOT_A_REQUEST: ["#riverton", "#weekend", "#local", "#foodie", "#community"],
}
# Class shares of a busy city feed: most posts that name the city ask for nothing.
WEIGHTS = {"1": 12, "2": 10, "3": 7, "4": 6, "5": 5, "6": 5, "7": 5, NOT_A_REQUEST: 50}


def typo(text, rng):
    """One swapped, dropped or doubled letter in a random word of `text`."""
    words = text.split(" ")
    i = rng.randrange(len(words))
    word = words[i]
    if len(word) > 3:
        j = rng.randrange(1, len(word) - 1)
        edit = rng.randrange(3)
        if edit == 0:
            word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        elif edit == 1:
            word = word[:j] + word[j + 1 :]
        else:
            word = word[:j] + word[j] + word[j:]
    words[i] = word
    return " ".join(words)


def post(label, rng):
    """One post of class `label`."""
    templates = CHATTER if label == NOT_A_REQUEST else REQUESTS[label]
    text = rng.choice(OPENERS) + rng.choice(templates).format(p=rng.choice(PLACES))
    text += rng.choice(CLOSERS)
    if rng.random() < 0.35:
        text += " " + rng.choice(HASHTAGS[label])
    if rng.random() < 0.3:
        mention = rng.choice(MENTIONS)
        text = f"{mention} {text}" if rng.random() < 0.5 else f"{text} {mention}"
    if rng.random() < 0.3:
        text = typo(text, rng)
    if rng.random() < 0.1:
        text = text.upper()
    elif rng.random() < 0.5:
        text = text[:1].upper() + text[1:]
    return text


def posts(count, seed=0, label_noise=0.03):
    """`count` (text, label) pairs; a `label_noise` share have a decision against the text."""
    rng = random.Random(seed)
    labels, weights = list(WEIGHTS), list(WEIGHTS.values())
    corpus = []
    for _ in range(count):
        label = rng.choices(labels, weights)[0]
        text = post(label, rng)
        if rng.random() < label_noise:
            label = rng.choice(labels)
        corpus.append((text, label))
    return corpus
