package dev.o2c.http;

import java.util.Locale;
import org.apache.pekko.util.ByteString;

/**
 * Guards Pekko HTTP's request parser against a header byte it misreads, one instance per
 * connection, on the bytes as they arrive.
 *
 * <p>Pekko HTTP (1.x, and its main branch as of 2026-11) decodes a byte of a header value that
 * starts a UTF-8 sequence (0xC0–0xF7) together with the next one to three bytes, whatever they
 * are. A value ending in such a byte therefore swallows the CR LF after it and the next header
 * line joins the value: {@code X-Foo: \xe9} followed by {@code Content-Length: 50} leaves a
 * request without a length, whose body is then read as the next request — request smuggling
 * behind a proxy that forwards the bytes as they are — and at the end of the headers the parser
 * waits for bytes that never come.
 *
 * <p>This guard follows HTTP/1.1 framing (header section, then a body by Content-Length or chunked
 * transfer coding, then the next request) and, in header sections (and chunked trailers) only,
 * replaces a lead byte whose continuation bytes are not all 0x80–0xBF with NUL. The parser refuses
 * NUL in a header: the request gets 400 and the connection closes. Nothing else changes: no byte
 * is added or removed, a body is never touched, a well-formed request passes as it came.
 *
 * <p>When the framing is one the parser will refuse anyway (an unreadable Content-Length or chunk
 * size, a transfer coding other than chunked last), the guard checks every further byte of the
 * connection as header bytes: the parser closes the connection after its 400.
 */
final class HeaderBytesGuard {

  private static final byte NUL = 0;
  private static final byte[] NONE = new byte[0];
  /** Longer header lines are refused by the parser; the guard only needs the start of CL and TE. */
  private static final int MAX_KEPT_LINE = 256;

  private enum State { HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, STRICT }

  private State state = State.HEADERS;
  // Header section: the current line, and what the section said so far.
  private final StringBuilder line = new StringBuilder();
  private boolean lineEmpty = true;
  private boolean lineOverflow;
  private String pendingHeader; // a header line that a folded continuation may still extend
  private long contentLength = -1;
  private boolean lengthConflict;
  private String transferEncoding;
  // Body and chunks.
  private long remaining;
  private boolean chunkSizeSeen;
  private boolean chunkSizeDone;
  // A UTF-8 lead byte whose continuation bytes have not all arrived: held back until they have.
  private byte[] held = NONE;
  private boolean modified;

  /** The bytes to hand to the parser for the bytes that arrived: the same, unless a bad lead byte was replaced or held back. */
  ByteString apply(ByteString chunk) {
    if (held.length == 0 && (state == State.BODY || state == State.CHUNK_DATA) && remaining > chunk.length()) {
      remaining -= chunk.length(); // inside a body: nothing to look at, nothing to copy
      return chunk;
    }
    boolean hadHeld = held.length > 0;
    byte[] in = hadHeld ? concat(held, chunk.toArray()) : chunk.toArray();
    held = NONE;
    modified = false;
    int end = scan(in);
    if (end < in.length) {
      held = java.util.Arrays.copyOfRange(in, end, in.length);
    }
    if (!hadHeld && !modified && end == in.length) {
      return chunk;
    }
    return ByteString.fromArray(in, 0, end);
  }

  /** The bytes held back when the connection's input ends: an incomplete sequence is a bad one. */
  ByteString finish() {
    byte[] rest = held;
    held = NONE;
    if (rest.length > 0 && inHeaderBytes()) {
      rest[0] = NUL;
    }
    return ByteString.fromArray(rest);
  }

  private boolean inHeaderBytes() {
    return state == State.HEADERS || state == State.TRAILERS || state == State.STRICT;
  }

  /** Scans and mends {@code in} in place; returns how many bytes may go on (the rest is an incomplete sequence). */
  private int scan(byte[] in) {
    int i = 0;
    while (i < in.length) {
      switch (state) {
        case BODY -> {
          long skip = Math.min(remaining, in.length - i);
          i += (int) skip;
          remaining -= skip;
          if (remaining == 0) {
            startHeaders(State.HEADERS);
          }
        }
        case CHUNK_DATA -> {
          long skip = Math.min(remaining, in.length - i);
          i += (int) skip;
          remaining -= skip;
          if (remaining == 0) {
            state = State.CHUNK_DATA_END;
          }
        }
        case CHUNK_DATA_END -> {
          if (in[i++] == '\n') {
            startChunkSize();
          }
        }
        case CHUNK_SIZE -> chunkSizeByte(in[i++]);
        case HEADERS, TRAILERS, STRICT -> {
          int b = in[i] & 0xFF;
          if (b >= 0xC0 && b <= 0xF7) {
            int needed = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1;
            int available = in.length - i - 1;
            boolean complete = available >= needed;
            boolean valid = true;
            for (int k = 1; k <= Math.min(needed, available); k++) {
              if ((in[i + k] & 0xC0) != 0x80) {
                valid = false;
                break;
              }
            }
            if (valid && !complete) {
              return i; // wait for the rest of the sequence
            }
            if (!valid) {
              in[i] = NUL;
              modified = true;
              headerByte(NUL);
              i++;
            } else {
              for (int k = 0; k <= needed; k++) {
                headerByte(in[i + k]);
              }
              i += needed + 1;
            }
          } else {
            headerByte(in[i++]);
          }
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
    return i;
  }

  private void headerByte(byte b) {
    if (state == State.STRICT) {
      return;
    }
    if (b == '\n') {
      endOfLine();
      return;
    }
    if (b == '\r') {
      return;
    }
    lineEmpty = false;
    if (line.length() < MAX_KEPT_LINE) {
      line.append((char) (b & 0xFF));
    } else {
      lineOverflow = true;
    }
  }

  private void endOfLine() {
    if (lineEmpty) {
      endOfSection();
      return;
    }
    String text = line.toString();
    boolean folded = text.charAt(0) == ' ' || text.charAt(0) == '\t';
    if (folded && pendingHeader != null) {
      pendingHeader = pendingHeader + " " + text.strip();
    } else {
      takeHeader(pendingHeader);
      pendingHeader = lineOverflow ? null : text;
    }
    line.setLength(0);
    lineEmpty = true;
    lineOverflow = false;
  }

  /** Notes Content-Length and Transfer-Encoding; the request line and other headers are of no interest here. */
  private void takeHeader(String header) {
    if (header == null) {
      return;
    }
    int colon = header.indexOf(':');
    if (colon <= 0) {
      return; // the request line
    }
    String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    String value = header.substring(colon + 1).strip();
    if (name.equals("content-length")) {
      long length = parseLength(value);
      if (length < 0 || contentLength >= 0 && contentLength != length) {
        lengthConflict = true;
      }
      contentLength = length;
    } else if (name.equals("transfer-encoding")) {
      transferEncoding = transferEncoding == null ? value : transferEncoding + "," + value;
    }
  }

  private void endOfSection() {
    takeHeader(pendingHeader);
    pendingHeader = null;
    if (state == State.TRAILERS) {
      startHeaders(State.HEADERS);
      return;
    }
    if (transferEncoding != null) {
      String[] codings = transferEncoding.split(",");
      if (codings[codings.length - 1].strip().equalsIgnoreCase("chunked")) {
        startChunkSize();
      } else {
        state = State.STRICT; // refused by the parser
      }
      return;
    }
    if (lengthConflict) {
      state = State.STRICT;
      return;
    }
    if (contentLength > 0) {
      remaining = contentLength;
      state = State.BODY;
    } else {
      startHeaders(State.HEADERS);
    }
  }

  private void startHeaders(State next) {
    state = next;
    line.setLength(0);
    lineEmpty = true;
    lineOverflow = false;
    pendingHeader = null;
    if (next == State.HEADERS) {
      contentLength = -1;
      lengthConflict = false;
      transferEncoding = null;
    }
  }

  private void startChunkSize() {
    state = State.CHUNK_SIZE;
    remaining = 0;
    chunkSizeSeen = false;
    chunkSizeDone = false;
  }

  /** A chunk-size line: hex digits, then optional extensions after ';', ending in (CR) LF. */
  private void chunkSizeByte(byte b) {
    if (b == '\n') {
      if (!chunkSizeSeen) {
        state = State.STRICT;
      } else if (remaining == 0) {
        startHeaders(State.TRAILERS);
      } else {
        state = State.CHUNK_DATA;
      }
      return;
    }
    if (chunkSizeDone || b == '\r') {
      return;
    }
    int digit = Character.digit(b, 16);
    if (digit >= 0) {
      if (remaining > (Long.MAX_VALUE >> 4)) {
        state = State.STRICT;
        return;
      }
      remaining = remaining * 16 + digit;
      chunkSizeSeen = true;
    } else if (b == ';' || b == ' ' || b == '\t') {
      chunkSizeDone = true;
    } else {
      state = State.STRICT;
    }
  }

  private static long parseLength(String value) {
    if (value.isEmpty() || value.length() > 18) {
      return -1;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(value);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
