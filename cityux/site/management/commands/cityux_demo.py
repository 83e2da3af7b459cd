"""Build the City of Riverton demo: pages for every department, a licence form and two logins.

Safe to run again: anything already there is left as it is.
"""

import time

import swapper
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.html import format_html
from django.utils.text import slugify
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Site
from wagtail.rich_text import RichText

from cityux.models import Department, DepartmentRootPage

from ... import demo_content as content
from ...models import FormField, FormPage, HomePage, SearchPage, SectionPage, ServicePage

SITE_URL = "http://127.0.0.1:8000/"
HOME_SLUG = "riverton"
ADMIN_LOGIN = ("admin", "cityux-admin")
LEAD_LOGIN = ("lead", "cityux-lead")
LEAD_DEPARTMENTS = ["public-works", "parks-recreation"]


def tree_root(base_page):
    """The root of the page tree, recreated if the database was flushed since migrating."""
    root = base_page.get_first_root_node()
    if root is None:
        # Transactional tests truncate every table, including the root Wagtail's migrations made.
        Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = base_page.add_root(instance=base_page(title="Root", slug="root"))
    return root


def service_body(service):
    """The StreamField value of a demo service: its paragraphs, then its how-to steps."""
    body = [
        ("paragraph", RichText(format_html("<p>{}</p>", paragraph)))
        for paragraph in service.body.split("\n\n")
    ]
    if service.steps:
        steps = [{"title": title, "detail": detail} for title, detail in service.steps]
        body.append(("how_to", {"heading": service.steps_heading, "steps": steps}))
    if service.report_form:
        heading, button_label = service.report_form
        body.append(("demo_report_form", {"heading": heading, "button_label": button_label}))
    if service.slow_seconds:
        body.append(("demo_slow_response", {"seconds": service.slow_seconds}))
    return body


class Command(BaseCommand):
    help = "Create the City of Riverton demo site, its departments' pages and two demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-traffic",
            action="store_true",
            help="Do not generate the synthetic visits behind the analytics dashboards.",
        )
        parser.add_argument(
            "--site-url",
            default=SITE_URL,
            help="The address the site is served at, printed with the logins.",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        self.created_pages = 0
        with transaction.atomic():
            home = self.ensure_home()
            sections = self.ensure_sections(home)
            if "economic-development" in sections:
                self.ensure_licence_form(sections["economic-development"])
            self.ensure_services(home, sections)
            self.ensure_child(home, SearchPage, "search", title="Search")
            self.ensure_popular_services(home, sections)
            self.ensure_department_ownership(sections)
            lead_departments = self.ensure_users()
        visits = 0
        if apps.is_installed("cityux_analytics") and not options["no_traffic"]:
            from cityux_analytics.demo import generate_demo_traffic
            from cityux_analytics.surveys.demo import ensure_demo_surveys

            visits = generate_demo_traffic()
            ensure_demo_surveys()
        segments = {}
        if apps.is_installed("cityux_personalize"):
            from cityux_personalize.demo import build_personalize_demo

            segments = build_personalize_demo()
        social = None
        if apps.is_installed("cityux_social"):
            from cityux_social.demo import build_social_demo

            social = build_social_demo()
        if options["verbosity"]:
            self.report(lead_departments, options["site_url"])
            if visits:
                self.stdout.write(f"  Generated {visits} demo visits for the analytics dashboards.")
            if segments:
                names = ", ".join(f'"{name}"' for name in segments)
                self.stdout.write(f"  Personalisation segments on the home page: {names}.")
            if social is not None:
                self.stdout.write(
                    f"  Social inbox: {social['imported']} posts imported, "
                    f"{social['suspected']} suspected service requests, "
                    f"{social['needs_review']} waiting for review."
                )
            self.stdout.write(f"  Seeded in {time.perf_counter() - started:.1f} s.")

    def ensure_child(self, parent, model, slug, **fields):
        """The child page of `parent` with this slug, created and published if missing."""
        page = parent.get_children().filter(slug=slug).specific().first()
        if page is None:
            page = parent.add_child(instance=model(slug=slug, **fields))
            page.save_revision().publish()
            self.created_pages += 1
        return page

    def ensure_home(self):
        """Make a HomePage the default site's root, replacing Wagtail's "Welcome" page."""
        base_page = swapper.load_model("wagtailcore", "Page")
        home = HomePage.objects.filter(depth=2).first()
        if home is None:
            home = self.ensure_child(
                tree_root(base_page),
                HomePage,
                HOME_SLUG,
                title=content.CITY_NAME,
                intro=content.HOME_INTRO,
            )
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                root_page=home,
                is_default_site=True,
                site_name=content.CITY_NAME,
            )
        elif site.root_page_id != home.pk:
            previous_root = site.root_page
            site.root_page = home
            site.site_name = content.CITY_NAME
            site.save()
            if self.is_unused_welcome_page(previous_root, base_page):
                previous_root.delete()
        return home

    def is_unused_welcome_page(self, page, base_page):
        # Only the bare page Wagtail's first migration makes; never a page someone built on.
        return (
            page.content_type_id == ContentType.objects.get_for_model(base_page).pk
            and not page.get_children().exists()
            and not Site.objects.filter(root_page=page).exists()
        )

    def ensure_sections(self, home):
        return {
            department.slug: self.ensure_child(
                home,
                SectionPage,
                department.slug,
                title=department.name,
                intro=department.description,
                show_in_menus=department.slug in content.MENU_SECTIONS,
            )
            for department in Department.objects.all()
        }

    def ensure_licence_form(self, section):
        form = content.LICENCE_FORM
        fields = [
            FormField(
                sort_order=order,
                label=label,
                field_type=field_type,
                required=required,
                choices=choices,
                help_text=help_text,
            )
            for order, (label, field_type, required, choices, help_text) in enumerate(
                form["fields"]
            )
        ]
        return self.ensure_child(
            section,
            FormPage,
            content.LICENCE_FORM_SLUG,
            title=form["title"],
            search_description=form["summary"],
            intro=form["intro"],
            thank_you_text=form["thank_you_text"],
            subject=form["subject"],
            form_fields=fields,
        )

    def ensure_services(self, home, sections):
        base_page = swapper.load_model("wagtailcore", "Page")
        for section_slug, services in content.SERVICES.items():
            section = sections.get(section_slug)
            if section is None:
                continue
            for service in services:
                action_label, action_page = "", None
                if service.action:
                    action_label, target_slug = service.action
                    action_page = (
                        base_page.objects.descendant_of(home).filter(slug=target_slug).first()
                    )
                self.ensure_child(
                    section,
                    ServicePage,
                    slugify(service.title),
                    title=service.title,
                    summary=service.summary,
                    body=service_body(service),
                    action_label=action_label,
                    action_page=action_page,
                )

    def ensure_popular_services(self, home, sections):
        """Fill the home page's popular services, unless an editor already chose some."""
        if home.popular_services:
            return
        links = []
        for section_slug, page_slug in content.POPULAR_SERVICES:
            section = sections.get(section_slug)
            page = section and section.get_children().filter(slug=page_slug).first()
            if page is not None:
                links.append(("service", {"page": page, "description": ""}))
        if links:
            home.popular_services = links
            home.save_revision().publish()

    def ensure_department_ownership(self, sections):
        owned_pages = set(DepartmentRootPage.objects.values_list("page_id", flat=True))
        for department in Department.objects.filter(root_pages__isnull=True):
            section = sections.get(department.slug)
            if section is not None and section.pk not in owned_pages:
                DepartmentRootPage.objects.create(department=department, page=section)
        # A contact address for every department that has none, so the site and hub show one.
        for department in Department.objects.filter(contact_email=""):
            department.contact_email = f"{department.slug}@riverton.example"
            department.save(update_fields=["contact_email"])

    def ensure_users(self):
        User = get_user_model()
        username, password = ADMIN_LOGIN
        if not User.objects.filter(username=username).exists():
            User.objects.create_superuser(username, "admin@riverton.example", password)
        username, password = LEAD_LOGIN
        lead = User.objects.filter(username=username).first()
        if lead is None:
            lead = User.objects.create_user(
                username, "lead@riverton.example", password, first_name="Dana", last_name="Lee"
            )
        departments = list(Department.objects.filter(slug__in=LEAD_DEPARTMENTS))
        lead.groups.add(*[d.lead_group for d in departments if d.lead_group is not None])
        return departments

    def report(self, lead_departments, site_url):
        if self.created_pages:
            self.stdout.write(self.style.SUCCESS(f"Created {self.created_pages} demo pages."))
        else:
            self.stdout.write("The demo site was already in place; nothing changed.")
        names = " and ".join(department.name for department in lead_departments)
        self.stdout.write(
            f"\n{content.CITY_NAME}\n"
            f"  Site:   {site_url}\n"
            f"  Admin:  {site_url}admin/\n"
            f"  Admin login: {ADMIN_LOGIN[0]} / {ADMIN_LOGIN[1]} (superuser)\n"
            f"  Lead login:  {LEAD_LOGIN[0]} / {LEAD_LOGIN[1]}\n"
            f"  The lead sees the City UX reports of {names} only, not the other departments."
        )
