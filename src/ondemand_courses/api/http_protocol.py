"""uvicorn's httptools protocol with a bound on the bytes buffered for one request head.

httptools (llhttp) keeps an incomplete header line in memory however long it grows, and
uvicorn 0.55 sets no limit on it. This protocol responds with 400 ``Invalid HTTP request
received.`` and closes the connection once an incomplete request line and headers pass
``h11_max_incomplete_event_size`` bytes: the same option and the same response as uvicorn's
h11 protocol, whose pure-Python parser costs more CPU per request.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

INVALID_REQUEST_MESSAGE = "Invalid HTTP request received."


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, config: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._max_head_bytes: int = config.h11_max_incomplete_event_size
        self._in_message = False
        self._head_open = False
        self._head_bytes = 0
        self._messages_begun = 0

    def data_received(self, data: bytes) -> None:
        was_in_message = self._in_message
        head_was_open = self._head_open
        self._messages_begun = 0
        super().data_received(data)
        if not self._head_open or self.transport.is_closing():
            return

        # Count the bytes of the open head as a lower bound, so that no request within the
        # limit is cut. The chunk belongs wholly to the head when the head was open before
        # it, or when the chunk starts the only message it contains on an idle connection.
        if head_was_open and self._messages_begun == 0:
            self._head_bytes += len(data)
        elif not was_in_message and self._messages_begun == 1:
            self._head_bytes = len(data)
        # Otherwise the head began after another message in this chunk. NOTE: its bytes in
        # this chunk are not counted, so one read buffer can pass the bound uncounted.
        if self._head_bytes > self._max_head_bytes:
            self.logger.warning("%s The request head passed %d bytes before it ended.",
                                INVALID_REQUEST_MESSAGE, self._max_head_bytes)
            self.send_400_response(INVALID_REQUEST_MESSAGE)

    def on_message_begin(self) -> None:
        self._in_message = True
        self._head_open = True
        self._head_bytes = 0
        self._messages_begun += 1
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._head_open = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_message = False
        super().on_message_complete()
