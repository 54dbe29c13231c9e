package dev.o2c.http;

import dev.o2c.tenancy.Caller;
import java.time.Duration;
import java.util.List;
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
 * A batch endpoint ({@code POST /v1/orders/batch}, {@code POST /v1/payments/batch}): many items
 * in one request, as a JSON array or as NDJSON ({@code application/x-ndjson}), each with its own
 * optional {@code idempotencyKey}; one result per item, in request order, in the same format.
 *
 * <p>Streamed and backpressured: items are framed and parsed one at a time from the request body,
 * at most {@link Items#parallelism()} are being taken at once, and each result is written to the
 * response as soon as it and those before it are done. Neither all the parsed items nor all the
 * replies are ever held at once. What an item is and how it is taken is the {@link Items}' part.
 */
public final class BatchIntake extends ApiDirectives {

  /** The items of one batch endpoint. */
  public interface Items {

    /** What one item is called in messages ("order"). */
    String noun();

    /** Items beyond this many are answered 413 each, not taken. */
    int maxItems();

    int parallelism();

    /** Takes the item at {@code index}; every failure must become the item's result, never fail the stage. */
    CompletionStage<Object> take(Caller caller, ByteString json, long index);

    /** The result of an item that was not taken. */
    Object failed(Long index, String idempotencyKey, Problem problem);
  }

  /** NDJSON: one JSON object per line. */
  public static final ContentType NDJSON = MediaTypes.applicationWithFixedCharset("x-ndjson", HttpCharsets.UTF_8).toContentType();

  /** A batch may take a while; it is bounded by its size, not by the single-request timeout. */
  private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(5);

  private static final ByteString NEWLINE = ByteString.fromString("\n");

  /** One framed order of the body, or the failure that ended the body. */
  private record Frame(ByteString bytes, Throwable failure) {}

  private final Items items;

  public BatchIntake(HttpSettings settings, Items items) {
    super(settings);
    this.items = items;
  }

  public Route route(Caller caller) {
    return withRequestTimeout(BATCH_TIMEOUT, () -> optionalHeaderValueByName(IDEMPOTENCY_KEY, header -> {
      if (header.isPresent()) {
        return completeProblem(Problem.validation(
            "A batch has no Idempotency-Key header: give each " + items.noun() + " its own idempotencyKey.",
            List.of(new dev.o2c.infra.FieldError(IDEMPOTENCY_KEY, "is not used by the batch endpoint"))));
      }
      return extractRequestEntity(entity -> {
        boolean ndjson = entity.getContentType().mediaType().toString().equals("application/x-ndjson");
        if (!ndjson && !isJson(entity.getContentType())) {
          return completeProblem(Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE,
              "A batch must be sent as application/json (an array of " + items.noun() + "s) or application/x-ndjson (one "
                  + items.noun() + " per line), not "
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
                    ? "An NDJSON batch has one JSON object (" + items.noun() + ") per line."
                    : "A JSON batch is an array of " + items.noun() + "s: it starts with '['.",
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
              .mapAsync(items.parallelism(), frame -> frame.first().failure() != null
                  ? CompletableFuture.completedFuture(unreadable(frame.first().failure()))
                  : take(caller, frame.first().bytes(), frame.second()))
              .map(result -> ByteString.fromArray(Json.write(result)));
          Source<ByteString, NotUsed> body = ndjson
              ? results.map(line -> line.concat(NEWLINE))
              : results.intersperse(ByteString.fromString("["), ByteString.fromString(","), ByteString.fromString("]"));
          return complete(HttpResponse.create()
              .withStatus(200)
              .withEntity(HttpEntities.createChunked(ndjson ? NDJSON : ContentTypes.APPLICATION_JSON, body)));
        }));
  }

  /** Takes one item of the batch, unless the batch has had its fill. */
  private CompletionStage<Object> take(Caller caller, ByteString bytes, long index) {
    if (index >= items.maxItems()) {
      return CompletableFuture.completedFuture(items.failed(index, null, Problem.of(ProblemType.PAYLOAD_TOO_LARGE,
          "A batch holds at most " + items.maxItems() + " " + items.noun() + "s; this one was not taken.")));
    }
    return items.take(caller, bytes, index);
  }

  /** The last result of a batch whose body broke off: what was before it stands. */
  private Object unreadable(Throwable failure) {
    if (failure instanceof EntityStreamSizeException tooLarge) {
      return items.failed(null, null, tooLarge(tooLarge.limit()));
    }
    return items.failed(null, null, Problem.of(ProblemType.MALFORMED_JSON,
        "The batch could not be read past the " + items.noun() + "s answered above: " + failure.getMessage()));
  }

  /** The problem (400) of an item's idempotencyKey, or null when it is absent or valid. */
  static Problem invalidKey(String key, String noun) {
    return key != null && !validIdempotencyKey(key)
        ? Problem.validation("The " + noun + " is not valid.",
            List.of(new dev.o2c.infra.FieldError("idempotencyKey", "must be 1 to 255 visible ASCII characters")))
        : null;
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
