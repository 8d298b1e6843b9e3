using System.Collections;

namespace System.Collections.Generic;

/// <summary>
/// netstandard2.0 stand-in for .NET 5's <c>IReadOnlySet&lt;T&gt;</c>, which netstandard2.0's
/// <see cref="HashSet{T}"/> does not implement: a read-only view of a <see cref="HashSet{T}"/>
/// with an implicit conversion from it, so that the compiler's declarations and the places that
/// hand a <see cref="HashSet{T}"/> out as a read-only set compile unchanged for the .NET
/// Framework MSBuild task. A class, not an interface, for that conversion; net10.0 uses the real
/// interface.
/// </summary>
internal sealed class IReadOnlySet<T> : IReadOnlyCollection<T>
{
    private readonly HashSet<T> _set;

    private IReadOnlySet(HashSet<T> set) => _set = set;

    public int Count => _set.Count;

    public bool Contains(T item) => _set.Contains(item);

    public HashSet<T>.Enumerator GetEnumerator() => _set.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => _set.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _set.GetEnumerator();

    public static implicit operator IReadOnlySet<T>(HashSet<T> set) => new(set);
}
