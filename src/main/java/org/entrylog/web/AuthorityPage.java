package org.entrylog.web;

import java.util.List;
import java.util.function.Supplier;
import org.entrylog.common.ApiException;

/**
 * The page {@code /ca} (how to install the local certificate authority on a tablet) and the
 * authority's certificate at {@code /ca.crt}, in DER with the type that makes Android and iPadOS
 * offer to install it. Only the certificate: its key never leaves the data folder. Without a
 * local authority in use ({@code ENTRYLOG_TLS} off, or a configured certificate) {@code /ca.crt}
 * is 404 {@code not_found} and the page says there is nothing to install.
 */
public final class AuthorityPage {
    public static final String CONTENT_TYPE = "application/x-x509-ca-cert";

    private AuthorityPage() {}

    /** The two routes; {@code tls} is read per request, since the server makes its certificate when it starts. */
    public static List<WebServer.Route> routes(Supplier<Tls.Material> tls) {
        return List.of(
                new WebServer.Route("GET", "/ca", WebServer.Role.ANYONE, WebServer.page("ca.html")),
                new WebServer.Route("GET", "/ca.crt", WebServer.Role.ANYONE, ctx -> {
                    Tls.Material m = tls.get();
                    if (m == null || m.authority() == null) {
                        throw ApiException.notFound();
                    }
                    ctx.header("Cache-Control", "no-cache");
                    ctx.header("Content-Disposition", "attachment; filename=\"entrylog-ca.crt\"");
                    ctx.contentType(CONTENT_TYPE).result(Tls.der(m.authority()));
                }));
    }
}
