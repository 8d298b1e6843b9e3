using System.Reflection;
using AccountabilityDsl.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AccountabilityDsl.Tests.Architecture;

/// <summary>
/// The compiler's dependencies point one way (docs/architecture.md): Text → Diagnostics → Syntax
/// → Binding → Analysis → the model (PolicyCompilation) → Matrix, Explain, Emit, Formatting →
/// Workspace → hosts. Every source file of src/AccountabilityDsl is read with Roslyn and every
/// reference it makes to another layer — a using, a qualified name, a root type such as
/// PolicyCompilation — is checked against the layers below its own.
/// </summary>
public class LayeringTests
{
    private static readonly string[] Order = ["Text", "Diagnostics", "Syntax", "Binding", "Analysis", "Model", "Consumers", "Workspace"];

    /// <summary>Folders of the compiler and the layer each belongs to; files at the root are the model.</summary>
    private static readonly Dictionary<string, string> LayerOfFolder = new(StringComparer.Ordinal)
    {
        ["Text"] = "Text",
        ["Diagnostics"] = "Diagnostics",
        ["Syntax"] = "Syntax",
        ["Binding"] = "Binding",
        ["Analysis"] = "Analysis",
        ["Matrix"] = "Consumers",
        ["Explain"] = "Consumers",
        ["Emit"] = "Consumers",
        ["Formatting"] = "Consumers",
        // ownerc diff compares two compilations; .owner-test files are read against a compiled policy.
        ["Diff"] = "Consumers",
        ["Testing"] = "Consumers",
        ["Workspace"] = "Workspace",
    };

    /// <summary>Types declared in the root namespace (the model), which nested namespaces see without a using.</summary>
    private static readonly string[] ModelTypes = ["PolicyCompilation", "CompilationOptions"];

    private static string CompilerFolder => Path.Combine(Baseline.RepoRoot, "src", "AccountabilityDsl");

    public static TheoryData<string> SourceFiles() => [.. Files()];

    private static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(CompilerFolder, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(CompilerFolder, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal)
                && !f.StartsWith("Compatibility/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(SourceFiles))]
    public void A_file_refers_only_to_its_own_layer_and_the_layers_below(string file)
    {
        string layer = LayerOf(file);
        var problems = References(file)
            .Where(r => Array.IndexOf(Order, r.Layer) > Array.IndexOf(Order, layer))
            .Select(r => $"{file} ({layer}) refers to {r.Layer} by '{r.Text}'")
            .Distinct()
            .ToList();
        problems.ShouldBeEmpty();
    }

    [Fact]
    public void Diagnostics_knows_no_Syntax_and_no_Analysis()
    {
        foreach (string file in Files().Where(f => LayerOf(f) == "Diagnostics"))
        {
            References(file).Select(r => r.Layer).ShouldNotContain("Syntax", file);
            References(file).Select(r => r.Layer).ShouldNotContain("Analysis", file);
        }
    }

    [Fact]
    public void Matrix_explain_and_emit_use_no_rule_class()
    {
        foreach (string file in Files().Where(f => f.Split('/')[0] is "Matrix" or "Explain" or "Emit"))
        {
            SyntaxNode root = Parse(file);
            root.DescendantNodes().OfType<UsingDirectiveSyntax>().Select(u => u.Name!.ToString()).ShouldNotContain("AccountabilityDsl.Analysis.Rules", file);
            root.DescendantNodes().OfType<IdentifierNameSyntax>().Select(i => i.Identifier.Text)
                .Where(name => name == "Rules" || name.EndsWith("Rule", StringComparison.Ordinal))
                .ShouldBeEmpty($"{file} names a rule class");
        }
    }

    [Fact]
    public void The_ANTLR_generated_types_are_internal()
    {
        Type[] generated = [.. typeof(PolicyCompilation).Assembly.GetTypes().Where(t => t.Namespace == "AccountabilityDsl.Syntax.Grammar")];
        generated.ShouldNotBeEmpty();
        generated.Where(t => t.IsVisible).Select(t => t.FullName).ShouldBeEmpty();
        typeof(PolicyCompilation).Assembly.GetExportedTypes().Where(t => t.Namespace?.StartsWith("Antlr4", StringComparison.Ordinal) == true).ShouldBeEmpty();
    }

    /// <summary>The test itself sees a violation (it cannot pass by reading nothing).</summary>
    [Fact]
    public void A_reference_upwards_is_found()
    {
        References("Diagnostics/Diagnostic.cs", "using AccountabilityDsl.Analysis;\nnamespace AccountabilityDsl.Diagnostics;\nclass X { object y = Syntax.SyntaxFacts.Text(default(Syntax.PeriodUnit)); PolicyCompilation? z; }\n")
            .Select(r => r.Layer).Distinct().Order().ShouldBe(["Analysis", "Model", "Syntax"]);
    }

    private static string LayerOf(string file) =>
        file.Contains('/') ? LayerOfFolder[file.Split('/')[0]] : "Model";

    private static SyntaxNode Parse(string file) => CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(CompilerFolder, file))).GetRoot();

    private static IEnumerable<(string Layer, string Text)> References(string file, string? text = null)
    {
        SyntaxNode root = text is null ? Parse(file) : CSharpSyntaxTree.ParseText(text).GetRoot();
        foreach (UsingDirectiveSyntax directive in root.DescendantNodes().OfType<UsingDirectiveSyntax>())
        {
            if (LayerOfNamespace(directive.Name!.ToString()) is { } layer)
            {
                yield return (layer, directive.ToString().Trim());
            }
        }

        foreach (SyntaxNode node in root.DescendantNodes().Where(n => n is QualifiedNameSyntax or MemberAccessExpressionSyntax))
        {
            string written = node.ToString();
            if (node.Parent is QualifiedNameSyntax or MemberAccessExpressionSyntax || node.Ancestors().Any(a => a is UsingDirectiveSyntax || (a is BaseNamespaceDeclarationSyntax ns && ns.Name.Span.Contains(node.Span))))
            {
                continue;
            }

            string qualified = written.StartsWith("AccountabilityDsl.", StringComparison.Ordinal) ? written : "AccountabilityDsl." + written;
            if (LayerOfNamespace(qualified, requireChild: true) is { } layer)
            {
                yield return (layer, written);
            }
        }

        foreach (IdentifierNameSyntax name in root.DescendantNodes().OfType<IdentifierNameSyntax>().Where(i => ModelTypes.Contains(i.Identifier.Text)))
        {
            yield return ("Model", name.Identifier.Text);
        }
    }

    /// <summary>The layer of <c>AccountabilityDsl.X…</c>, or null for anything else.</summary>
    private static string? LayerOfNamespace(string name, bool requireChild = false)
    {
        string[] parts = name.Split('.');
        if (parts.Length < 2 || parts[0] != "AccountabilityDsl" || (requireChild && parts.Length < 3))
        {
            return null;
        }

        return LayerOfFolder.GetValueOrDefault(parts[1]);
    }
}
