package dev.o2c.http;

import dev.o2c.tenancy.Caller;
import org.apache.pekko.http.javadsl.server.Route;

/** The routes of one bounded context under /v1, served on behalf of an authenticated caller. */
public interface TenantRoutes {

  /** This context's routes for one request's caller; they see only the caller's tenant. */
  Route route(Caller caller);
}
