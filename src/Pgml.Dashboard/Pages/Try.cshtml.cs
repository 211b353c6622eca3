using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;
using Pgml.Dashboard.Data;

namespace Pgml.Dashboard.Pages;

/// <summary>Try a project's deployed model: one input per training column, the prediction (and for classifiers the
/// label and the class probabilities) from pgml itself.</summary>
public sealed class TryModel(Catalog catalog, Predictor predictor, RowLookup rows) : PageModel
{
    public Project Project { get; private set; } = null!;
    public long ModelId { get; private set; }
    public long? SnapshotId { get; private set; }
    public List<FeatureColumn> Features { get; private set; } = [];
    public List<string> Classes { get; private set; } = [];
    public List<string?> Values { get; private set; } = [];
    public Prediction? Result { get; private set; }
    public List<string> Errors { get; private set; } = [];
    /// <summary>The relation the form can be filled from, its columns, and the row found (if one was asked for).</summary>
    public RelationRow? Relation { get; private set; }
    public string? KeyColumn { get; private set; }
    public string? Key { get; private set; }
    public string? FillMessage { get; private set; }

    public async Task OnGetAsync(long id, string? keyColumn, string? key, CancellationToken ct)
    {
        KeyColumn = keyColumn;
        Key = key;
        await LoadAsync(id, ct);
        if (Relation?.Values is not { } row) return;
        if (row.Count == 0) { FillMessage = $"no row of {Relation.Relation} has {keyColumn} = {key}"; return; }
        Values = [.. Features.Select(f => RowLookup.FormValue(f, row.GetValueOrDefault(f.Name)))];
        FillMessage = $"filled from the row of {Relation.Relation} where {keyColumn} = {key}";
    }

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
        SnapshotId = (await catalog.ModelAsync(ModelId, ct)).SnapshotId;
        // the relation the form can be filled from (and the row asked for, on a GET with a key)
        if (SnapshotId is long sid)
            Relation = await rows.FindAsync(await catalog.SnapshotAsync(sid, ct), KeyColumn, Key, ct);
        Features = await catalog.FeaturesAsync(ModelId, ct);
        Classes = Predictor.Classes(await catalog.ModelJsonFileAsync(ModelId, "pgml.json", ct));
    }
}
