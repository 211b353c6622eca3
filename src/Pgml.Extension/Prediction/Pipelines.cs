using Pgml.Engine.Preprocessing;

namespace Pgml.Extension.Prediction;

/// <summary>Loads a model's stored preprocessing (pgml.files 'preprocess.json') for the predict path.</summary>
internal static class Pipelines
{
    public static IFeatureTransform Load(byte[] json) => new Stored(FittedPipeline.FromJson(json));

    private sealed class Stored(FittedPipeline pipeline) : IFeatureTransform
    {
        public int OutputWidth => pipeline.OutputWidth;
        public float EncodeText(int position, ReadOnlySpan<byte> utf8) => pipeline.EncodeText(position, utf8);
        public void Transform(ReadOnlySpan<float> encoded, Span<float> output) => pipeline.Transform(encoded, output);
    }
}
