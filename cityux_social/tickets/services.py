"""The city's Open311 services and their definitions, cached in the database.

`refresh_services` reads `GET services` and, for every service with `metadata`, its definition
(`GET services/{code}`); the `refresh_open311_services` task runs it on the beat schedule. The
accept form reads the cache only; sending a ticket reads a missing definition live and caches it.
"""

from django.db import transaction
from django.utils import timezone

from .models import Open311Service


def _listing_fields(service):
    return {
        "service_name": service["service_name"][:255],
        "description": service["description"],
        "group": service["group"][:255],
        "keywords": service["keywords"],
        "type": service["type"][:32],
        "metadata": service["metadata"],
    }


def refresh_services(client):
    """Cache every service the server lists; the ones it stopped listing are kept, unlisted.

    Returns the number of services listed. A definition that cannot be read keeps the one
    cached before (the error is raised once the list itself is stored).
    """
    listed = client.services()
    now = timezone.now()
    failures = []
    definitions = {}
    for service in listed:
        if service["metadata"]:
            try:
                definitions[service["service_code"]] = client.service_definition(
                    service["service_code"]
                )
            except Exception as error:  # noqa: BLE001 - kept below, raised after storing
                failures.append((service["service_code"], error))
    with transaction.atomic():
        for service in listed:
            code = service["service_code"]
            defaults = {**_listing_fields(service), "listed": True, "fetched_at": now}
            if code in definitions:
                defaults["definition"] = definitions[code]
            elif not service["metadata"]:
                defaults["definition"] = {}
            Open311Service.objects.update_or_create(service_code=code, defaults=defaults)
        codes = [service["service_code"] for service in listed]
        Open311Service.objects.exclude(service_code__in=codes).update(listed=False)
    if failures:
        code, error = failures[0]
        raise RuntimeError(f"The definition of {code} could not be read: {error}") from error
    return len(listed)


def cached_service(service_code):
    return Open311Service.objects.filter(service_code=service_code).first()


def definition_for(service_code, client):
    """The definition to validate a request against: cached, else read now (and cached);
    None for a service without attributes (or one the server does not list)."""
    service = cached_service(service_code)
    if service is not None and not service.metadata:
        return None
    if service is not None and service.definition:
        return service.definition
    if service is None:  # never refreshed: cache the listing now, so the next ticket need not ask
        listed = {s["service_code"]: s for s in client.services()}
        now = timezone.now()
        for code, item in listed.items():
            Open311Service.objects.get_or_create(
                service_code=code,
                defaults={**_listing_fields(item), "listed": True, "fetched_at": now},
            )
        if service_code not in listed or not listed[service_code]["metadata"]:
            return None
    definition = client.service_definition(service_code)
    Open311Service.objects.update_or_create(
        service_code=service_code,
        defaults={"metadata": True, "definition": definition, "fetched_at": timezone.now()},
    )
    return definition
