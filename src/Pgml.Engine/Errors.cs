namespace Pgml.Engine;

/// <summary>
/// An error the user can fix (bad argument, unusable data). The engine knows nothing of PostgreSQL; the extension
/// maps each subclass to an SQLSTATE and shows <see cref="Hint"/> as the error's HINT.
/// </summary>
public abstract class EngineException(string message, string? hint = null, Exception? inner = null) : Exception(message, inner)
{
    public string? Hint { get; } = hint;
}

/// <summary>A parameter (hyperparameter, test size, option) has an invalid name, type or value.</summary>
public sealed class InvalidParameterException(string message, string? hint = null) : EngineException(message, hint);

/// <summary>The data cannot be used as asked (too few rows, NULL labels, a single class, ...).</summary>
public sealed class InvalidDataException(string message, string? hint = null) : EngineException(message, hint);

/// <summary>Stored model bytes are corrupt or in a format this version cannot read.</summary>
public sealed class ModelFormatException(string message, string? hint = null, Exception? inner = null) : EngineException(message, hint, inner);

/// <summary>A combination pgml does not implement (an algorithm for a task, a feature of an algorithm).</summary>
public sealed class UnsupportedException(string message, string? hint = null) : EngineException(message, hint);

/// <summary>A value is missing (NULL or NaN) where none may be: a label, or a feature an algorithm cannot place.</summary>
public sealed class MissingValueException(string message, string? hint = null) : EngineException(message, hint);

/// <summary>A value lies outside what pgml can represent exactly (a label beyond float32's consecutive integers).</summary>
public sealed class ValueOutOfRangeException(string message, string? hint = null) : EngineException(message, hint);

/// <summary>Two vectors (arrays) of different lengths where an operation needs the same length.</summary>
public sealed class DimensionMismatchException(string message, string? hint = null) : EngineException(message, hint);

/// <summary>A division by zero (a divisor, or an element of a divisor vector, is 0).</summary>
public sealed class DivisionByZeroException(string message, string? hint = null) : EngineException(message, hint);

/// <summary>A request needs more of a bounded resource (memory for the training data) than it may take.</summary>
public sealed class ResourceLimitException(string message, long limit) : EngineException(message)
{
    /// <summary>The limit that was reached, in the resource's unit (bytes for memory).</summary>
    public long Limit { get; } = limit;
}
