package dev.o2c.tenancy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets, one per API key and one per tenant: a request takes a token from both; tokens
 * come back at the configured rate up to the burst. Never blocks: a request without a token is
 * told how long until the next one, and which limit it met.
 */
public final class RateLimiter {

  /** What a request was told: go on ({@code waitNanos} 0), or wait, because of its key's limit or its tenant's. */
  public record Verdict(long waitNanos, boolean tenantLimit) {
    static final Verdict GO = new Verdict(0, false);

    public boolean admitted() {
      return waitNanos == 0;
    }
  }

  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  public RateLimiter() {
    this(System::nanoTime);
  }

  RateLimiter(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Takes a token of the key and one of its tenant, or neither. */
  public Verdict admit(ApiKeys.Key key) {
    long now = nanoTime.getAsLong();
    Bucket own = buckets.computeIfAbsent("key:" + key.digest(), d -> new Bucket(key.limit(), now));
    long wait = own.take(now);
    if (wait > 0) {
      return new Verdict(wait, false);
    }
    Bucket tenant = buckets.computeIfAbsent("tenant:" + key.caller().tenantId(), t -> new Bucket(key.tenantLimit(), now));
    long tenantWait = tenant.take(now);
    if (tenantWait > 0) {
      own.giveBack();
      return new Verdict(tenantWait, true);
    }
    return Verdict.GO;
  }

  private static final class Bucket {
    private final RateLimit limit;
    private double tokens;
    private long last;

    Bucket(RateLimit limit, long now) {
      this.limit = limit;
      this.tokens = limit.burst();
      this.last = now;
    }

    synchronized long take(long now) {
      tokens = Math.min(limit.burst(), tokens + (now - last) * limit.requestsPerSecond() / 1e9);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) / limit.requestsPerSecond() * 1e9));
    }

    synchronized void giveBack() {
      tokens = Math.min(limit.burst(), tokens + 1);
    }
  }
}
