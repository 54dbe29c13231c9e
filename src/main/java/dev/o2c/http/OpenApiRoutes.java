package dev.o2c.http;

import dev.o2c.tenancy.Caller;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /v1/openapi.yaml}: the API's OpenAPI description (docs/openapi.yaml, packaged). */
public final class OpenApiRoutes extends ApiDirectives implements TenantRoutes {

  static final ContentType YAML = MediaTypes.applicationWithFixedCharset("yaml", HttpCharsets.UTF_8).toContentType();

  private final byte[] document;

  public OpenApiRoutes(HttpSettings settings) {
    super(settings);
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the classpath (docs/openapi.yaml is packaged by the build)");
      }
      document = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Route route(Caller caller) {
    return path("openapi.yaml", () -> get(() -> complete(
        org.apache.pekko.http.javadsl.model.HttpResponse.create().withEntity(HttpEntities.create(YAML, document)))));
  }
}
