using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;
using Pgml.Dashboard.Data;

namespace Pgml.Dashboard.Pages;

/// <summary>Try a project's deployed model: one input per training column, the prediction (and for classifiers the
/// label and the class probabilities) from pgml itself.</summary>
public sealed class TryModel(Catalog catalog, Predictor predictor) : PageModel
{
    public Project Project { get; private set; } = null!;
    public long ModelId { get; private set; }
    public List<FeatureColumn> Features { get; private set; } = [];
    public List<string> Classes { get; private set; } = [];
    public List<string?> Values { get; private set; } = [];
    public Prediction? Result { get; private set; }
    public List<string> Errors { get; private set; } = [];

    public async Task OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct);

    public async Task OnPostAsync(long id, List<string?> values, CancellationToken ct)
    {
        await LoadAsync(id, ct);
        Values = values;
        var (ps, errors) = Predictor.Parse(Features, values);
        Errors = errors;
        if (errors.Count > 0) return;
        try
        {
            Result = await predictor.PredictAsync(Project.Name, ModelId, Project.Task, Features, ps, Classes, ct);
        }
        catch (PostgresException e) when (!e.SqlState.StartsWith("08", StringComparison.Ordinal) && !e.SqlState.StartsWith("57", StringComparison.Ordinal))
        {
            // pgml's answer to these inputs (a wrong width, a permission): shown beside the form
            Errors.Add(e.MessageText + (e.Hint is null ? "" : $" Hint: {e.Hint}"));
        }
    }

    private async Task LoadAsync(long id, CancellationToken ct)
    {
        Project = await catalog.ProjectAsync(id, ct);
        var deployments = await catalog.DeploymentsAsync(id, ct);
        if (deployments.Count == 0) throw new NotFoundException($"project {Project.Name} has no deployed model to try");
        ModelId = deployments[0].ModelId;
        Features = await catalog.FeaturesAsync(ModelId, ct);
        Classes = Predictor.Classes(await catalog.ModelJsonFileAsync(ModelId, "pgml.json", ct));
    }
}
