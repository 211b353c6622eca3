using System.Text;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Models;

public class ModelMetadataTests
{
    private static readonly ModelMetadata Iris = new("xgboost", TaskKind.Classification,
        [new FeatureColumnInfo("sepal", FeatureColumnKind.Number, 1, "real"), new FeatureColumnInfo("petals", FeatureColumnKind.Array, 2, "real[]"),
         new FeatureColumnInfo("colour", FeatureColumnKind.Text, 1, "text")],
        ["species"], [0, 1, 2], ["setosa", "versicolor", "virginica"], "text");

    [Fact]
    public void RoundTripsThroughItsJson()
    {
        var back = ModelMetadata.FromJson(Iris.ToJson());
        Assert.Equal(Iris.Algorithm, back.Algorithm);
        Assert.Equal(Iris.Task, back.Task);
        Assert.Equal(Iris.Columns, back.Columns);
        Assert.Equal(Iris.Targets, back.Targets);
        Assert.Equal(Iris.Classes, back.Classes);
        Assert.Equal(Iris.ClassLabels, back.ClassLabels);
        Assert.Equal(4, back.NumFeatures);
        Assert.Equal(["sepal", "petals[1]", "petals[2]", "colour"], back.FeatureNames);
    }

    [Fact]
    public void NewerFormatIsRefusedWithAHint()
    {
        var json = Encoding.UTF8.GetString(Iris.ToJson()).Replace("\"format_version\":1", "\"format_version\":2");
        var e = Assert.Throws<ModelFormatException>(() => ModelMetadata.FromJson(Encoding.UTF8.GetBytes(json)));
        Assert.Equal("the model's metadata was stored by a newer pgml (format 2; this pgml reads up to 1)", e.Message);
        Assert.Contains("Upgrade pgml", e.Hint);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"format_version":0}""")]
    [InlineData("""{"format_version":1,"algorithm":"xgboost","task":"alchemy","label_type":"","columns":[],"targets":[],"classes":[]}""")]
    public void DamagedMetadataIsAModelFormatError(string json) =>
        Assert.Throws<ModelFormatException>(() => ModelMetadata.FromJson(Encoding.UTF8.GetBytes(json)));
}
