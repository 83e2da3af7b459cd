"""Seed the 22 departments of a mid-size US city, their lead groups, and the consent groups.

Idempotent: existing rows (matched by slug, group name or varname) are left as editors made them.
"""

from django.db import migrations

DEPARTMENTS = [
    ("City Manager", "city-manager", "Runs the city's day-to-day operations and carries out council policy."),
    ("City Clerk", "city-clerk", "Council agendas and minutes, public records requests, elections."),
    ("Finance", "finance", "Budget, utility billing, business taxes and payments to the city."),
    ("Human Resources", "human-resources", "City jobs, benefits and volunteer programs."),
    ("Information Technology", "information-technology", "The city's systems, website and open data."),
    ("Police", "police", "Public safety, non-emergency reports, records and permits."),
    ("Fire", "fire", "Fire and rescue, inspections, burn permits and smoke alarms."),
    ("Public Works", "public-works", "Streets, potholes, sidewalks, street lights and storm drains."),
    ("Utilities and Water", "utilities-water", "Water, sewer, water quality and service start or stop."),
    ("Parks and Recreation", "parks-recreation", "Parks, pools, programs, facility and field rentals."),
    ("Library", "library", "Branches, library cards, events and digital resources."),
    ("Planning", "planning", "Zoning, land use, development review and long-range plans."),
    ("Building and Safety", "building-safety", "Building permits, plan review and inspections."),
    ("Code Enforcement", "code-enforcement", "Property maintenance, junk vehicles, overgrown lots."),
    ("Economic Development", "economic-development", "Business licences, incentives and help to open a business."),
    ("Housing", "housing", "Affordable housing, rental assistance and home repair programs."),
    ("Community Services", "community-services", "Senior and youth services, grants and neighbourhood programs."),
    ("Transportation and Traffic", "transportation", "Traffic signals, parking, bike lanes and transit."),
    ("Environmental Services and Sanitation", "sanitation", "Trash, recycling, bulky pickup and street sweeping."),
    ("Animal Services", "animal-services", "Pet licences, adoptions, lost pets and animal control."),
    ("Emergency Management", "emergency-management", "Disaster readiness, alerts and recovery."),
    ("City Attorney", "city-attorney", "Legal advice to the city, ordinances and claims."),
]

CITY_WIDE_GROUP = "City-wide analysts"

CONSENT_GROUPS = [
    (
        "analytics",
        "Usability measurement",
        "Lets the city see where its website is hard to use (for example buttons that do not "
        "respond) and record anonymised replays with every typed value hidden.",
        [("cityux_sid", "Links the pages of one visit together. Expires after 30 minutes.")],
    ),
    (
        "personalization",
        "Personalised information",
        "Remembers the topics and area you are interested in on this device, to show you "
        "more relevant information first. You can see, download and delete it at any time.",
        [("cityux_vid", "An anonymous visitor id for your profile. Expires after one year.")],
    ),
]


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def seed(apps, schema_editor):
    Department = apps.get_model("cityux", "Department")
    Group = apps.get_model("auth", "Group")
    CookieGroup = apps.get_model("cookie_consent", "CookieGroup")
    Cookie = apps.get_model("cookie_consent", "Cookie")

    access_admin = _permission(
        apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"
    )
    view_all = _permission(
        apps, "cityux", "department", "view_all_departments",
        "Can see the reports of every department",
    )

    city_wide, _ = Group.objects.get_or_create(name=CITY_WIDE_GROUP)
    city_wide.permissions.add(access_admin, view_all)

    for name, slug, description in DEPARTMENTS:
        if Department.objects.filter(slug=slug).exists():
            continue
        leads, _ = Group.objects.get_or_create(name=f"{name} leads")
        leads.permissions.add(access_admin)
        Department.objects.create(name=name, slug=slug, description=description, lead_group=leads)

    for varname, name, description, cookies in CONSENT_GROUPS:
        group, created = CookieGroup.objects.get_or_create(
            varname=varname,
            defaults={
                "name": name,
                "description": description,
                "is_required": False,
                "is_deletable": True,
            },
        )
        if created:
            for cookie_name, cookie_description in cookies:
                Cookie.objects.create(
                    cookiegroup=group, name=cookie_name, description=cookie_description
                )


class Migration(migrations.Migration):
    dependencies = [
        ("cityux", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("cookie_consent", "0004_cookie_natural_key"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
