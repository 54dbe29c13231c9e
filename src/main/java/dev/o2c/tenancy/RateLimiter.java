package dev.o2c.tenancy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets, one per API key: a request takes a token; tokens come back at the key's rate up
 * to its burst. Never blocks: a request without a token is told how long until the next one.
 */
public final class RateLimiter {

  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  public RateLimiter() {
    this(System::nanoTime);
  }

  RateLimiter(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** 0 when the key's request may go on; else the nanoseconds until it would have a token. */
  public long admit(ApiKeys.Key key) {
    long now = nanoTime.getAsLong();
    return buckets.computeIfAbsent(key.digest(), d -> new Bucket(key.limit(), now)).take(now);
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
  }
}
