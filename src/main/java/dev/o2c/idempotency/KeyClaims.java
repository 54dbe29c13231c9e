package dev.o2c.idempotency;

import dev.o2c.infra.EntityIds;
import dev.o2c.infra.Rejection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** Claims Idempotency-Keys of a tenant (see {@link KeyClaim}) around a request. */
public final class KeyClaims {

  private final ClusterSharding sharding;
  private final Duration timeout;

  public KeyClaims(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  /**
   * Runs {@code request} under {@code key} of {@code scope} (no key: just runs it). A key held by
   * another request answers {@code reused} instead; when {@code refused} says the request's answer
   * is a refusal (a failure is not stored under the key), the key is released again.
   */
  public <T> CompletionStage<T> claimed(
      String tenantId, String scope, String key, String fingerprint, Supplier<CompletionStage<T>> request, Supplier<T> reused,
      Function<T, Rejection> refused) {
    if (key == null) {
      return request.get();
    }
    EntityRef<KeyClaim.Command> claim =
        sharding.entityRefFor(KeyClaim.KEY, EntityIds.entityId(tenantId, EntityIds.derived("key", tenantId, scope, key)));
    return claim.<KeyClaim.Answer>ask(replyTo -> new KeyClaim.Claim(fingerprint, replyTo), timeout).thenCompose(answer -> {
      if (answer == KeyClaim.Answer.REUSED) {
        return CompletableFuture.completedFuture(reused.get());
      }
      return request.get().thenCompose(result -> {
        Rejection rejection = refused.apply(result);
        if (rejection == null || !released(rejection.kind())) {
          return CompletableFuture.completedFuture(result);
        }
        return claim.<KeyClaim.Answer>ask(replyTo -> new KeyClaim.Release(fingerprint, replyTo), timeout).thenApply(done -> result);
      });
    });
  }

  /** Refusals that are not stored under a key: the request was invalid or impossible, nothing happened. */
  private static boolean released(Rejection.Kind kind) {
    return kind == Rejection.Kind.INVALID || kind == Rejection.Kind.NOT_FOUND || kind == Rejection.Kind.UNPROCESSABLE
        || kind == Rejection.Kind.ILLEGAL_TRANSITION;
  }

  /** The rejection of a reused key. */
  public static Rejection reusedKey(String what) {
    return Rejection.of(Rejection.Kind.KEY_REUSED, "This Idempotency-Key was used for a different " + what + " request.");
  }
}
