namespace Pgml.Dashboard.Web;

/// <summary>Serves site.css, embedded in the assembly (so any content root works, e.g. the tests' in-process host).</summary>
public static class Stylesheet
{
    private static readonly Lazy<string> Css = new(() =>
    {
        using var s = typeof(Stylesheet).Assembly.GetManifestResourceStream("site.css")
            ?? throw new InvalidOperationException("site.css is not embedded in the assembly");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    });

    public static IResult Serve() => Results.Text(Css.Value, "text/css; charset=utf-8");
}
