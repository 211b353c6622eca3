using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pgml.Dashboard.Web;

namespace Pgml.Dashboard.Pages;

/// <summary>The one error page: the exception (re-executed by UseExceptionHandler) or status code, explained.</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(ILogger<ErrorModel> log) : PageModel
{
    public ErrorExplanation Explanation { get; private set; } = null!;

    public void OnGet(int? status) => Explain(status);

    // a failed POST (deploy, try-it) is re-executed as a POST
    public void OnPost(int? status) => Explain(status);

    private void Explain(int? status)
    {
        var e = DashboardApp.ErrorOf(HttpContext);
        if (e is not null && e is not Data.NotFoundException) log.LogError(e, "request failed");
        Explanation = ErrorExplainer.Explain(e, e is null ? status ?? Response.StatusCode : null);
        Response.StatusCode = Explanation.Status;
    }
}
