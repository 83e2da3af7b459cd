"""What the demo site of the City of Riverton says: its services, its licence form, its home page.

Every name, address and phone number here is invented. 555-01xx numbers are reserved for fiction.
"""

from dataclasses import dataclass

CITY_NAME = "City of Riverton"

HOME_INTRO = (
    "Pay a bill, report a problem or apply for a permit online, any time. "
    "Can't find what you need? Call 311 and we will help."
)


@dataclass(frozen=True)
class Service:
    title: str
    summary: str
    body: str
    steps: tuple[tuple[str, str], ...] = ()
    steps_heading: str = "How to do it"
    # (label, slug of the page it leads to); the page must exist on the demo site.
    action: tuple[str, str] | None = None
    # The demo's broken online report form (DemoReportFormBlock): (heading, button label).
    report_form: tuple[str, str] | None = None
    # Seconds the page answers late (DemoSlowResponseBlock): the demo's slow link leads here.
    slow_seconds: float = 0


LICENCE_FORM_SLUG = "apply-for-a-business-licence"
LICENCE_ACTION = ("Apply for a business licence", LICENCE_FORM_SLUG)

SERVICES = {
    "city-manager": [
        Service(
            "Read the city budget",
            "See where Riverton's money comes from and how it is spent, year by year.",
            "The adopted budget for this fiscal year is $412 million. About 41% pays for police "
            "and fire, 18% for streets and utilities, and 9% for parks and libraries.\n\n"
            "Printed copies are available at every library branch and at City Hall.",
        ),
        Service(
            "Share an idea with the city",
            "Tell the City Manager's office how Riverton could work better for you.",
            "We read every idea and answer within 10 business days. Ideas that need council "
            "approval go to the next quarterly work session.",
        ),
    ],
    "city-clerk": [
        Service(
            "Request public records",
            "Ask for city emails, reports, contracts and other public documents.",
            "Most records are free. We answer within 10 business days and tell you if a request "
            "will take longer or cost more than $25.",
            steps=(
                ("Describe the records", "Say what you need, with dates and names if you know."),
                ("Send your request", "Email the City Clerk or use the form at City Hall."),
                ("Get your records", "We send them by email or tell you when to pick them up."),
            ),
            steps_heading="How to request records",
        ),
        Service(
            "City Council meetings and agendas",
            "When the council meets, what is on the agenda, and how to speak at a meeting.",
            "The council meets on the first and third Tuesday of each month at 6 pm in the "
            "Council Chambers, 200 Main Street. Agendas are posted the Friday before.\n\n"
            "To speak during public comment, fill in a speaker card before the meeting starts. "
            "Each speaker has three minutes.",
        ),
        Service(
            "Register to vote",
            "Register, update your address or check your voter status before the next election.",
            "You can register if you are a US citizen, at least 18 on election day and live in "
            "Riverton. The deadline is 15 days before each election.",
        ),
    ],
    "finance": [
        Service(
            "Pay a city bill",
            "Pay parking tickets, permit fees and other city invoices online or in person.",
            "We accept cards, bank transfers, checks and cash. Card payments have a 2.5% fee; "
            "bank transfers are free.\n\n"
            "Pay in person at the Finance counter, City Hall first floor, weekdays 8 am to 5 pm.",
        ),
        Service(
            "Business tax certificate",
            "Every business working in Riverton renews its tax certificate each January.",
            "The tax is based on your gross receipts from the previous year. New businesses pay "
            "a flat $75 in their first year.",
            action=LICENCE_ACTION,
        ),
    ],
    "human-resources": [
        Service(
            "Find a city job",
            "See open positions with the City of Riverton and apply online.",
            "We post new jobs every Monday. Most positions close after two weeks. The city "
            "offers health insurance, a pension and paid parental leave.",
            steps=(
                ("Find a job", "Read the job posting and check the minimum requirements."),
                ("Apply", "Upload your resume and answer the supplemental questions."),
                ("Hear back", "We contact every applicant within three weeks of the closing date."),
            ),
            steps_heading="How to apply",
        ),
        Service(
            "Volunteer with the city",
            "Help at parks, libraries, senior centers and city events.",
            "Volunteers must be 14 or older. Anyone working with children or older adults "
            "completes a free background check.",
        ),
    ],
    "information-technology": [
        Service(
            "Open data portal",
            "Download city data on permits, 311 requests, budgets and more.",
            "Our data sets are free to use and updated nightly. Each one lists who keeps it and "
            "how often it changes.",
        ),
        Service(
            "Free public Wi-Fi",
            "Where to get free Wi-Fi in city buildings and parks.",
            "Connect to the network named RivertonFree at City Hall, every library branch, all "
            "recreation centers and 12 parks. No password is needed.",
        ),
    ],
    "police": [
        Service(
            "File a police report online",
            "Report a crime that is not an emergency, like a stolen bike or vandalism.",
            "If someone is in danger or a crime is happening now, call 911.\n\n"
            "You can report thefts under $1,000, vandalism, lost property and car break-ins "
            "online. You will get a report number by email to give your insurance company.",
            steps=(
                ("Check it is not an emergency", "If anyone is hurt or in danger, call 911."),
                ("Gather the details", "Note the date, place and a description of what happened."),
                ("Submit the report", "An officer reviews it and may call you for details."),
            ),
            steps_heading="How to file a report",
        ),
        Service(
            "Request a police report copy",
            "Get a copy of an accident or incident report for insurance or court.",
            "Reports are usually ready 10 days after the incident. Copies cost $10.",
        ),
        Service(
            "Neighborhood Watch",
            "Start or join a Neighborhood Watch group on your street.",
            "A community officer helps you run the first meeting and gives you street signs "
            "and safety materials at no cost.",
        ),
    ],
    "fire": [
        Service(
            "Get a free smoke alarm",
            "Riverton firefighters install free smoke alarms for homeowners and renters.",
            "A working smoke alarm halves the risk of dying in a home fire. We install alarms "
            "with 10-year batteries and check your exits at the same visit.",
        ),
        Service(
            "Apply for a burn permit",
            "You need a permit for open burning, bonfires and agricultural burns.",
            "Permits are free and valid for 30 days. Burning is not allowed on red flag days.",
        ),
        Service(
            "Schedule a fire inspection",
            "Businesses, schools and apartment buildings need a yearly fire inspection.",
            "Inspectors check exits, alarms, sprinklers and extinguishers. Most inspections "
            "take under an hour.",
        ),
    ],
    "public-works": [
        Service(
            "Report a pothole",
            "Tell us about a pothole on a city street and we will fix it.",
            "Crews fill most potholes within 3 business days. Potholes that are a danger to "
            "traffic are fixed within 24 hours.",
            steps=(
                ("Find the location", "Note the street address or the nearest intersection."),
                ("Describe the pothole", "Say how big it is and which lane it is in."),
                ("Call 311", "You get a request number to track the repair."),
            ),
            steps_heading="How to report a pothole",
            report_form=("Report a pothole online", "Submit report"),
        ),
        Service(
            "Street light out",
            "Report a street light that is out, flickering or on during the day.",
            "Write down the pole number on the metal tag, about 6 feet up. Most lights are "
            "repaired within 5 business days.",
        ),
        Service(
            "Sidewalk repair program",
            "The city shares the cost of fixing damaged sidewalks in front of homes.",
            "Riverton pays half the cost of replacing cracked or lifted sidewalk panels, up to "
            "$2,000 per property. Apply by March 1 for repairs the same summer.",
        ),
        Service(
            "Storm drain clogged",
            "Report a blocked storm drain or flooding on a street.",
            "Clear leaves from the top of the grate only if it is safe. Never lift a drain "
            "cover. Crews respond to flooding reports the same day.",
        ),
    ],
    "utilities-water": [
        Service(
            "Online bill payment",
            "Pay a water bill online with a card or from your bank account.",
            "Have your account number ready: it is at the top of your bill. Payments made "
            "before 5 pm count the same day.",
            slow_seconds=2.5,
        ),
        Service(
            "Pay your water bill",
            "Pay online, by phone, by mail or in person. Set up automatic payments.",
            "Bills are sent every two months. Paying automatically from your bank account is "
            "free and you never miss a due date.",
            action=("Pay online", "online-bill-payment"),
        ),
        Service(
            "Start or stop water service",
            "Open or close a water account when you move in or out.",
            "Give us 2 business days' notice. Renters need the landlord's name and phone "
            "number. There is a $25 fee to start service.",
            steps=(
                ("Choose a date", "Pick the day service should start or stop."),
                ("Contact us", "Call 311 or visit the Utilities counter at City Hall."),
                ("Get a final reading", "We read the meter and send your first or last bill."),
            ),
            steps_heading="How to start or stop service",
        ),
        Service(
            "Water quality report",
            "Read the yearly report on what is in Riverton's drinking water.",
            "Riverton's water met every federal and state standard last year. The report lists "
            "every test and its result.",
        ),
    ],
    "parks-recreation": [
        Service(
            "Register for classes and camps",
            "Swim lessons, summer camps, sports leagues and classes for every age.",
            "Registration for summer programs opens April 1. Riverton residents register a week "
            "before everyone else. Fee help is available for families who qualify.",
        ),
        Service(
            "Reserve a park shelter",
            "Book a picnic shelter or field for a party, reunion or game.",
            "Shelters cost $40 to $120 a day depending on size. Book up to 12 months ahead.",
        ),
        Service(
            "Pool hours and locations",
            "Opening hours for Riverton's three public pools and splash pads.",
            "Outdoor pools open Memorial Day weekend through Labor Day. The indoor pool at "
            "Eastside Recreation Center is open all year.",
        ),
    ],
    "library": [
        Service(
            "Get a library card",
            "A free card for anyone who lives, works or goes to school in Riverton.",
            "Bring a photo ID and proof of address to any branch. Children under 13 need a "
            "parent or guardian to sign.",
        ),
        Service(
            "Branches and hours",
            "Find your nearest library branch, its hours and what it offers.",
            "Riverton has five branches. Central Library is open seven days a week; the other "
            "branches are closed on Sundays.",
        ),
        Service(
            "E-books and online learning",
            "Borrow e-books and audiobooks and take free online courses with your card.",
            "Sign in with your library card number and PIN. You can borrow up to 10 e-books at "
            "a time.",
        ),
    ],
    "planning": [
        Service(
            "Check your property's zoning",
            "Find out what you can build or run on your property.",
            "Search the zoning map by address. Each zone lists the uses allowed, building "
            "heights and setbacks.",
        ),
        Service(
            "Comment on a development proposal",
            "See projects under review near you and tell the Planning Commission what you think.",
            "Comments received before the public hearing are shared with the commission and "
            "become part of the public record.",
        ),
    ],
    "building-safety": [
        Service(
            "Apply for a building permit",
            "You need a permit to build, add on, or change the structure, wiring or plumbing.",
            "Small projects like a new water heater are approved the same day. Larger projects "
            "need plan review, which takes 10 to 20 business days.",
            steps=(
                ("Check if you need a permit", "Most work beyond painting and flooring does."),
                ("Prepare your plans", "Include a site plan and drawings of the work."),
                ("Apply and pay the fee", "Fees depend on the value of the work."),
                ("Schedule inspections", "An inspector checks the work at each stage."),
            ),
            steps_heading="How to get a permit",
        ),
        Service(
            "Schedule a building inspection",
            "Book an inspection for work under an open permit.",
            "Requests made by 3 pm are inspected the next business day. Have your permit "
            "number ready.",
        ),
    ],
    "code-enforcement": [
        Service(
            "Report a property violation",
            "Report overgrown yards, trash build-up, junk vehicles or unsafe buildings.",
            "You can report without giving your name. An officer visits within 5 business "
            "days and gives the owner time to fix the problem.",
        ),
        Service(
            "Abandoned vehicle on the street",
            "Report a vehicle that has not moved from a city street for over 72 hours.",
            "We tag the vehicle and tow it if it is still there after 72 more hours.",
        ),
    ],
    "economic-development": [
        Service(
            "Start a business in Riverton",
            "The steps, licences and help you need to open a business in the city.",
            "Our small business team gives free one-to-one advice on choosing a location, "
            "zoning, permits and financing.",
            steps=(
                ("Check the zoning", "Make sure your business is allowed at your location."),
                ("Register your business", "Register your business name with the state."),
                ("Apply for a business licence", "Apply online with the city. It takes 5 days."),
                ("Get your tax certificate", "Register for the city business tax."),
            ),
            steps_heading="How to start a business",
            action=LICENCE_ACTION,
        ),
        Service(
            "Small business grants",
            "Grants of up to $10,000 for storefront improvements and new equipment.",
            "Businesses with fewer than 25 employees in Riverton's commercial corridors can "
            "apply. The next round opens in September.",
        ),
        Service(
            "Renew a business licence",
            "Business licences expire on December 31 and must be renewed each year.",
            "We mail a renewal notice in November. Renewals after January 31 pay a 10% late fee.",
            action=LICENCE_ACTION,
        ),
    ],
    "housing": [
        Service(
            "Emergency rental assistance",
            "Help with past-due rent for Riverton renters facing eviction.",
            "Households earning up to 80% of the area median income can get up to three "
            "months of rent paid directly to the landlord.",
        ),
        Service(
            "Home repair program",
            "Free or low-cost repairs for older adults and low-income homeowners.",
            "The program fixes roofs, furnaces, ramps and other repairs that keep a home "
            "safe. There is a waiting list, so apply early.",
        ),
        Service(
            "Affordable housing list",
            "Find income-restricted apartments and homes for sale in Riverton.",
            "The list is updated monthly. Each property lists its income limits and how to "
            "apply to the property manager.",
        ),
    ],
    "community-services": [
        Service(
            "Senior center activities",
            "Meals, fitness classes, trips and support for adults 60 and older.",
            "The Riverton Senior Center serves lunch every weekday at noon for a suggested "
            "donation of $3. Free rides are available for members.",
        ),
        Service(
            "Youth programs",
            "After-school programs, youth jobs and mentoring for ages 10 to 18.",
            "Programs are free for Riverton residents. The summer youth jobs program pays $15 "
            "an hour.",
        ),
        Service(
            "Neighborhood grants",
            "Grants of up to $5,000 for projects that bring neighbors together.",
            "Community gardens, block parties and murals have all been funded. Applications "
            "are due October 15.",
        ),
    ],
    "transportation": [
        Service(
            "Report a traffic signal problem",
            "Tell us about a traffic light that is out, stuck or flashing.",
            "If a signal is completely dark, treat the intersection as an all-way stop and "
            "call 311. Crews respond around the clock.",
        ),
        Service(
            "Residential parking permits",
            "Permits for residents in neighborhoods with parking restrictions.",
            "Each household can buy up to two permits a year at $30 each, plus guest passes.",
        ),
        Service(
            "Request a speed hump",
            "Ask for traffic calming on your residential street.",
            "We measure speeds and traffic on your street. Streets that qualify go on the list "
            "for construction when more than two-thirds of residents agree.",
        ),
    ],
    "sanitation": [
        Service(
            "Trash and recycling schedule",
            "Find your collection day and what goes in each cart.",
            "Put carts at the curb by 7 am on your collection day, lids closed and handles "
            "facing the house. Collection is one day later in weeks with a holiday.\n\n"
            "Blue cart: paper, cardboard, cans and plastic bottles. Black cart: everything "
            "else. Green cart: yard waste, March to November.",
        ),
        Service(
            "Schedule a bulky item pickup",
            "Get rid of furniture, mattresses and appliances with a free curbside pickup.",
            "Each household gets four free bulky item pickups a year, up to 5 items each time.",
            steps=(
                ("Book a pickup", "Call 311 or book online at least 2 days ahead."),
                ("Put items out", "Place them at the curb by 7 am on your pickup day."),
                ("Keep it tidy", "Bag loose items. Refrigerators need the doors removed."),
            ),
            steps_heading="How to schedule a pickup",
        ),
        Service(
            "Replace a damaged cart",
            "Request a new trash, recycling or yard waste cart.",
            "Damaged or stolen carts are replaced free within 5 business days.",
        ),
        Service(
            "Street sweeping schedule",
            "When your street is swept and where not to park.",
            "Residential streets are swept once a month from April to November. Cars parked "
            "on a posted sweeping day may be ticketed.",
        ),
    ],
    "animal-services": [
        Service(
            "License your pet",
            "Dogs and cats over four months old need a city license.",
            "A license costs $15 a year for spayed or neutered pets and $40 for others. "
            "Licensed pets that get lost come home faster.",
        ),
        Service(
            "Adopt a pet",
            "Meet the dogs, cats and rabbits waiting for a home at the Riverton shelter.",
            "Adoption fees include spay or neuter surgery, vaccinations and a microchip. The "
            "shelter is open Tuesday to Sunday, 11 am to 6 pm.",
        ),
        Service(
            "Lost and found pets",
            "Look for a lost pet or report one you found.",
            "Visit the shelter in person every two days: descriptions can be wrong. Found pets "
            "are kept for five days before they can be adopted.",
        ),
    ],
    "emergency-management": [
        Service(
            "Sign up for emergency alerts",
            "Get text, phone or email alerts about storms, floods and other emergencies.",
            "Alerts are free and sent only for your address. You can choose which kinds of "
            "alerts you receive and in which language.",
        ),
        Service(
            "Make an emergency plan",
            "Prepare your household for floods, storms and power outages.",
            "Plan where to meet, keep three days of water and food, and keep copies of "
            "important papers in a waterproof bag.",
            steps=(
                ("Make a plan", "Agree where your household meets if you are apart."),
                ("Build a kit", "Water, food, medicine, a flashlight and a radio."),
                ("Stay informed", "Sign up for Riverton emergency alerts."),
            ),
            steps_heading="Three steps to get ready",
        ),
    ],
    "city-attorney": [
        Service(
            "File a claim against the city",
            "Ask the city to pay for damage or injury caused by city property or staff.",
            "Claims must be filed within six months of the incident. Include photos, "
            "receipts and repair estimates.",
        ),
        Service(
            "Read city ordinances",
            "Search the Riverton Municipal Code, the city's local laws.",
            "The code is updated after each council meeting that adopts a new ordinance.",
        ),
    ],
}

# Sections shown in the main navigation, most visited first.
MENU_SECTIONS = [
    "public-works",
    "utilities-water",
    "parks-recreation",
    "police",
    "economic-development",
]

# (section slug, page slug) of the cards under "Popular services" on the home page.
POPULAR_SERVICES = [
    ("sanitation", "trash-and-recycling-schedule"),
    ("public-works", "report-a-pothole"),
    ("utilities-water", "pay-your-water-bill"),
    ("economic-development", LICENCE_FORM_SLUG),
    ("parks-recreation", "register-for-classes-and-camps"),
    ("building-safety", "apply-for-a-building-permit"),
]

LICENCE_FORM = {
    "title": "Apply for a business licence",
    "intro": (
        "<p>Every business that operates in Riverton, including home-based businesses, needs a "
        "city business licence. It takes about 10 minutes to apply.</p>"
        "<p>The licence costs $50 a year. We will email you a payment link once your "
        "application is approved.</p>"
    ),
    "thank_you_text": (
        "<p>Thank you. We have received your application.</p>"
        "<p>We review applications within 5 business days and email you the result. If we need "
        "more information, we will call you.</p>"
    ),
    "summary": (
        "Apply online for the licence every business in Riverton needs. It takes about 10 minutes."
    ),
    "subject": "New business licence application",
    # (label, field type, required, choices, help text)
    "fields": [
        ("Business name", "singleline", True, "", ""),
        ("Owner's full name", "singleline", True, "", ""),
        ("Email address", "email", True, "", "We send your licence to this address."),
        ("Phone number", "singleline", True, "", "We only call if something is missing."),
        (
            "Type of business",
            "dropdown",
            True,
            "Retail shop\nRestaurant or food service\nHome-based business\n"
            "Professional services\nPersonal care (salon, barber, spa)\n"
            "Construction or trades\nOther",
            "",
        ),
        ("Business address", "multiline", True, "", "For home-based businesses, your home."),
        ("Date you plan to open", "date", True, "", ""),
        (
            "What will your business do?",
            "multiline",
            True,
            "",
            'A sentence or two is enough, for example "Bakery selling bread and cakes".',
        ),
    ],
}
