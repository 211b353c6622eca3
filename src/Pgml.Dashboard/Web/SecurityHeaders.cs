namespace Pgml.Dashboard.Web;

/// <summary>Response headers of every page: only this origin's stylesheet and forms, images from itself or data:
/// URIs (the charts), no scripts at all, no framing, no sniffing.</summary>
public static class SecurityHeaders
{
    private const string Policy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static Task Add(HttpContext context, Func<Task> next)
    {
        var h = context.Response.Headers;
        h.ContentSecurityPolicy = Policy;
        h.XContentTypeOptions = "nosniff";
        h["Referrer-Policy"] = "no-referrer";
        h.XFrameOptions = "DENY";
        return next();
    }
}
