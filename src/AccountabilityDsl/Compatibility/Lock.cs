namespace System.Threading;

/// <summary>
/// netstandard2.0 stand-in for .NET 9's <c>System.Threading.Lock</c>, so that the compiler's
/// <c>lock (_lock)</c> statements compile unchanged for the .NET Framework MSBuild task: C# lowers
/// <c>lock</c> on a type of this name to <see cref="EnterScope"/> and <c>Dispose</c>, which
/// here are a plain <see cref="Monitor"/>. net10.0 uses the real type.
/// </summary>
internal sealed class Lock
{
    private readonly object _monitor = new();

    public Scope EnterScope()
    {
        Monitor.Enter(_monitor);
        return new Scope(_monitor);
    }

    public readonly ref struct Scope(object monitor)
    {
        public void Dispose() => Monitor.Exit(monitor);
    }
}
