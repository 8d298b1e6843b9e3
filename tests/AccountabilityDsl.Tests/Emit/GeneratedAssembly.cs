using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AccountabilityDsl.Tests.Emit;

/// <summary>
/// Generated C# compiled in memory with Roslyn (nullable enabled, every warning reported,
/// documentation comments checked) against the framework and the runtime library, and loaded
/// into a collectible load context so that tests can call it.
/// </summary>
public sealed class GeneratedAssembly : IDisposable
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    private readonly AssemblyLoadContext _context;

    private GeneratedAssembly(Assembly assembly, AssemblyLoadContext context, Type policy)
    {
        Assembly = assembly;
        _context = context;
        Policy = policy;
    }

    public Assembly Assembly { get; }

    /// <summary>The generated <c>NamePolicy</c> class.</summary>
    public Type Policy { get; }

    public static string PolicyPath(string name) => Path.Combine(Baseline.RepoRoot, "tests", "AccountabilityDsl.Tests", "Emit", "Policies", name);

    public static string SamplePath(string name) => Path.Combine(Baseline.RepoRoot, "samples", name);

    public static PolicyCompilation CompileFile(string path)
    {
        PolicyCompilation compilation = PolicyCompilation.Create(AccountabilityDsl.Text.SourceText.FromFile(path));
        compilation.HasErrors.ShouldBeFalse(Baseline.Render(compilation.Diagnostics));
        return compilation;
    }

    /// <summary>Roslyn diagnostics of the generated source at warning level 9999 (hidden and info excluded).</summary>
    public static IReadOnlyList<Microsoft.CodeAnalysis.Diagnostic> Diagnose(string source, out CSharpCompilation compilation, string? extraSource = null)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);
        SyntaxTree tree = CSharpSyntaxTree.ParseText(source, options, path: "Generated.g.cs");
        SyntaxTree[] trees = extraSource is null ? [tree] : [tree, CSharpSyntaxTree.ParseText(extraSource, options, path: "Extra.cs")];
        compilation = CSharpCompilation.Create(
            "Generated" + Guid.NewGuid().ToString("N"),
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                deterministic: true));
        return [.. compilation.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)];
    }

    /// <param name="extraSource">Test code compiled into the same assembly (a probe that calls the generated class directly).</param>
    public static GeneratedAssembly Load(EmitResult result, string? extraSource = null)
    {
        result.Success.ShouldBeTrue();
        var diagnostics = Diagnose(result.Source, out CSharpCompilation compilation, extraSource);
        diagnostics.ShouldBeEmpty(string.Join("\n", diagnostics) + "\n" + result.Source);
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        emitted.Success.ShouldBeTrue(string.Join("\n", emitted.Diagnostics));
        stream.Position = 0;
        var context = new AssemblyLoadContext("generated-policy", isCollectible: true);
        Assembly assembly = context.LoadFromStream(stream);
        Type policy = assembly.GetTypes().Single(t => t.DeclaringType is null && t.Name.EndsWith("Policy", StringComparison.Ordinal) && !t.Name.StartsWith("Probe", StringComparison.Ordinal));
        return new GeneratedAssembly(assembly, context, policy);
    }

    public Type Nested(string name) => Policy.GetNestedType(name) ?? throw new InvalidOperationException($"No nested type {name}.");

    public object Enum(string type, int value) => System.Enum.ToObject(Nested(type), value);

    public object? Call(string method, params object?[] args)
    {
        MethodInfo[] candidates = [.. Policy.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == method && m.GetParameters().Length == args.Length
                && m.GetParameters().Zip(args).All(p => p.Second is null || p.First.ParameterType.IsInstanceOfType(p.Second)
                    || Nullable.GetUnderlyingType(p.First.ParameterType)?.IsInstanceOfType(p.Second) == true))];
        candidates.Length.ShouldBe(1, $"{method}({string.Join(", ", args.Select(a => a?.GetType().Name))})");
        try
        {
            return candidates[0].Invoke(null, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    public T Get<T>(string property) => (T)Policy.GetProperty(property, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    /// <summary>Creates a customer from attribute values by ordinal (numbers, 0/1 for bools, member index for enums).</summary>
    public object Customer(AccountabilityDsl.Binding.BoundPolicy policy, IReadOnlyList<decimal> values, int? assignedSegment = null)
    {
        Type customer = Nested("Customer");
        ConstructorInfo constructor = customer.GetConstructors().Single(c => c.GetParameters().Length > 0 || policy.Attributes.IsEmpty);
        ParameterInfo[] parameters = constructor.GetParameters();
        object?[] args = new object?[parameters.Length];
        for (int i = 0; i < policy.Attributes.Length; i++)
        {
            Type type = parameters[i].ParameterType;
            args[i] = policy.Attributes[i].Type switch
            {
                AccountabilityDsl.Syntax.AttributeKind.Int => (int)values[i],
                AccountabilityDsl.Syntax.AttributeKind.Decimal => values[i],
                AccountabilityDsl.Syntax.AttributeKind.Bool => values[i] != 0,
                _ => System.Enum.ToObject(type, (int)values[i]),
            };
        }

        if (policy.HasAssignedSegments)
        {
            args[^1] = assignedSegment is { } s ? Enum("Segment", s) : null;
        }

        return constructor.Invoke(args);
    }

    public void Dispose() => _context.Unload();

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var paths = tpa.Split(Path.PathSeparator)
            .Where(p => string.Equals(Path.GetDirectoryName(p), frameworkDirectory, StringComparison.Ordinal))
            .Append(typeof(ContactGate).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}
