"""With a broker that is not Redis there is no collect buffer: batches travel as one Celery
message each, and the beat's buffer drain does nothing instead of raising every 5 s."""

import uuid

from cityux_analytics.models import RawEvent, SpooledBatch
from cityux_analytics.tasks import drain_collect_buffer, ingest
from tests.cityux_analytics.conftest import celery_broker
from tests.cityux_analytics.factories import T0, body, click, view


def test_with_an_in_memory_broker_the_drain_is_a_no_op_and_the_batch_is_a_message(
    consented_client,
):
    queue = f"cityux-test-{uuid.uuid4().hex[:10]}"
    with celery_broker("memory://", queue=queue) as app:
        response = consented_client.post(
            "/cityux/collect/",
            body([view("/"), click(T0 + 5)]),
            content_type="application/json",
            headers={"Origin": "http://testserver"},
        )
        assert response.status_code == 204
        assert drain_collect_buffer() == 0
        assert SpooledBatch.objects.count() == 0  # the broker took it
        with app.connection_for_read() as connection:
            message = connection.SimpleQueue(queue).get(timeout=5)
        assert message.headers["task"] == "cityux_analytics.ingest"
        (payload,), _kwargs, _embed = message.decode()
    ingest(payload)  # what the worker does with the message
    assert RawEvent.objects.count() == 2
