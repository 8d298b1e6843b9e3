using System.Runtime.CompilerServices;

namespace System.Collections.Generic;

/// <summary>.NET 5's comparer by reference, for netstandard2.0 (several-file policies map nodes to files by reference).</summary>
internal sealed class ReferenceEqualityComparer : IEqualityComparer<object?>
{
    private ReferenceEqualityComparer()
    {
    }

    public static ReferenceEqualityComparer Instance { get; } = new();

    public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

    public int GetHashCode(object? obj) => RuntimeHelpers.GetHashCode(obj!);
}
