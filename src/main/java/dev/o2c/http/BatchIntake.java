package dev.o2c.http;

import dev.o2c.infra.ValidationException;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.order.NewOrder;
import dev.o2c.order.OrderRequests;
import dev.o2c.order.OrderResult;
import dev.o2c.order.OrderService;
import dev.o2c.order.OrderSettings;
import dev.o2c.order.OrderView;
import dev.o2c.tenancy.Caller;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.JsonFraming;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code POST /v1/orders/batch}: many orders in one request, as a JSON array or as NDJSON
 * ({@code application/x-ndjson}), each with its own optional {@code idempotencyKey}; one result
 * per order, in request order, in the same format.
 *
 * <p>Streamed and backpressured: orders are framed and parsed one at a time from the request
 * body, at most {@code o2c.orders.batch.parallelism} are being placed at once, and each result is
 * written to the response as soon as it and those before it are done. Neither all the parsed
 * orders nor all the replies are ever held at once.
 */
public final class BatchIntake extends ApiDirectives {

  /** NDJSON: one JSON object per line. */
  public static final ContentType NDJSON = MediaTypes.applicationWithFixedCharset("x-ndjson", HttpCharsets.UTF_8).toContentType();

  /** A batch may take a while; it is bounded by its size, not by the single-request timeout. */
  private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(5);

  private static final ByteString NEWLINE = ByteString.fromString("\n");

  /** The outcome of one order of a batch; {@code index} is its position in the request (from 0). */
  public record ItemResult(
      Long index, int status, String idempotencyKey, Boolean replayed, OrderView order, Map<String, Object> problem) {

    static ItemResult failed(Long index, String key, Problem problem) {
      return new ItemResult(index, problem.status(), key, null, null, problem.body());
    }
  }

  /** One framed order of the body, or the failure that ended the body. */
  private record Frame(ByteString bytes, Throwable failure) {}

  private final OrderService orders;
  private final OrderSettings orderSettings;
  private final InvoicingSettings invoicing;

  public BatchIntake(HttpSettings settings, OrderService orders, OrderSettings orderSettings, InvoicingSettings invoicing) {
    super(settings);
    this.orders = orders;
    this.orderSettings = orderSettings;
    this.invoicing = invoicing;
  }

  public Route route(Caller caller) {
    return withRequestTimeout(BATCH_TIMEOUT, () -> optionalHeaderValueByName(IDEMPOTENCY_KEY, header -> {
      if (header.isPresent()) {
        return completeProblem(Problem.validation(
            "A batch has no Idempotency-Key header: give each order its own idempotencyKey.",
            List.of(new dev.o2c.infra.FieldError(IDEMPOTENCY_KEY, "is not used by the batch endpoint"))));
      }
      return extractRequestEntity(entity -> {
        boolean ndjson = entity.getContentType().mediaType().toString().equals("application/x-ndjson");
        if (!ndjson && !isJson(entity.getContentType())) {
          return completeProblem(Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE,
              "A batch must be sent as application/json (an array of orders) or application/x-ndjson (one order per line), not "
                  + entity.getContentType().mediaType() + "."));
        }
        var declared = entity.getContentLengthOption();
        if (declared.isPresent() && declared.getAsLong() > settings.maxBatchBodySize()) {
          return completeProblem(tooLarge(settings.maxBatchBodySize()));
        }
        return stream(caller, entity, ndjson);
      });
    }));
  }

  private Route stream(Caller caller, RequestEntity entity, boolean ndjson) {
    return extractMaterializer(materializer -> onSuccess(
        () -> entity.withSizeLimit(settings.maxBatchBodySize()).getDataBytes()
            .dropWhile(chunk -> firstNonBlank(chunk) == 0)
            .prefixAndTail(1)
            .runWith(Sink.head(), materializer),
        headAndTail -> {
          List<ByteString> head = headAndTail.first();
          Source<ByteString, NotUsed> tail = headAndTail.second();
          char first = head.isEmpty() ? 0 : firstNonBlank(head.get(0));
          char expected = ndjson ? '{' : '[';
          if (head.isEmpty() || (first != 0 && first != expected)) {
            tail.runWith(Sink.ignore(), materializer);
            return completeProblem(Problem.validation(
                head.isEmpty() ? "The batch is empty." : ndjson
                    ? "An NDJSON batch has one JSON object (an order) per line."
                    : "A JSON batch is an array of orders: it starts with '['.",
                List.of()));
          }
          // A body that breaks off (malformed framing, over the size limit) becomes one last item
          // rather than a failed stream: a failure would drop the results of orders in flight.
          Source<Frame, NotUsed> frames = Source.from(head).concat(tail)
              .via(ndjson
                  ? Framing.delimiter(NEWLINE, (int) settings.maxBodySize(), FramingTruncation.ALLOW)
                  : JsonFraming.objectScanner((int) settings.maxBodySize()))
              .filter(bytes -> firstNonBlank(bytes) != 0)
              .map(bytes -> new Frame(bytes, null))
              .recover(new PFBuilder<Throwable, Frame>().matchAny(failure -> new Frame(null, failure)).build());
          Source<ByteString, NotUsed> results = frames
              .zipWithIndex()
              .mapAsync(orderSettings.batchParallelism(), frame -> frame.first().failure() != null
                  ? CompletableFuture.completedFuture(unreadable(frame.first().failure()))
                  : place(caller, frame.first().bytes(), frame.second()))
              .map(result -> ByteString.fromArray(Json.write(result)));
          Source<ByteString, NotUsed> body = ndjson
              ? results.map(line -> line.concat(NEWLINE))
              : results.intersperse(ByteString.fromString("["), ByteString.fromString(","), ByteString.fromString("]"));
          return complete(HttpResponse.create()
              .withStatus(200)
              .withEntity(HttpEntities.createChunked(ndjson ? NDJSON : ContentTypes.APPLICATION_JSON, body)));
        }));
  }

  /** Places one order of the batch; every failure becomes that order's result, never the batch's. */
  private CompletionStage<ItemResult> place(Caller caller, ByteString bytes, long index) {
    if (index >= orderSettings.batchMaxOrders()) {
      return CompletableFuture.completedFuture(ItemResult.failed(index, null, Problem.of(ProblemType.PAYLOAD_TOO_LARGE,
          "A batch holds at most " + orderSettings.batchMaxOrders() + " orders; this one was not placed.")));
    }
    OrderRequests.BatchItem item;
    try {
      item = Json.read(bytes.toArray(), OrderRequests.BatchItem.class);
    } catch (ProblemException e) {
      return CompletableFuture.completedFuture(ItemResult.failed(index, null, e.problem()));
    }
    String key = item.idempotencyKey();
    if (key != null && !validIdempotencyKey(key)) {
      return CompletableFuture.completedFuture(ItemResult.failed(index, key, Problem.validation("The order is not valid.",
          List.of(new dev.o2c.infra.FieldError("idempotencyKey", "must be 1 to 255 visible ASCII characters")))));
    }
    NewOrder order;
    try {
      order = OrderRequests.validate(item.order(), orderSettings.maxLines(), invoicing.tenant(caller.tenantId()).tax()::knows);
    } catch (ValidationException e) {
      return CompletableFuture.completedFuture(ItemResult.failed(index, key, Problem.validation(e.getMessage(), e.errors())));
    }
    return orders.place(caller, order, key).handle((result, failure) -> {
      if (failure != null) {
        return ItemResult.failed(index, key, Problem.of(ProblemType.SERVICE_UNAVAILABLE,
            "The order did not complete in time; retry it with the same idempotencyKey."));
      }
      if (result instanceof OrderResult.Ok ok) {
        return new ItemResult(index, 201, key, ok.replayed() ? Boolean.TRUE : null, ok.order(), null);
      }
      return ItemResult.failed(index, key, problemOf(((OrderResult.Failed) result).rejection()));
    });
  }

  /** The last result of a batch whose body broke off: what was before it stands. */
  private static ItemResult unreadable(Throwable failure) {
    if (failure instanceof EntityStreamSizeException tooLarge) {
      return ItemResult.failed(null, null, tooLarge(tooLarge.limit()));
    }
    return ItemResult.failed(null, null, Problem.of(ProblemType.MALFORMED_JSON,
        "The batch could not be read past the orders answered above: " + failure.getMessage()));
  }

  private static char firstNonBlank(ByteString bytes) {
    for (int i = 0; i < bytes.size(); i++) {
      char c = (char) bytes.apply(i);
      if (!Character.isWhitespace(c)) {
        return c;
      }
    }
    return 0;
  }
}
