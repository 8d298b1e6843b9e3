using System.Text.Json;
using AccountabilityDsl.Build.Tests.Infrastructure;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Build.Tests;

/// <summary>
/// Where help links point (docs/cli.md): at the rule pages next to the compiler, unless the build
/// names a published home with <c>RulesDocumentationUrl</c>, which the compiler reads from its
/// assembly metadata.
/// </summary>
[Trait("Category", "Slow")]
public class RulesDocumentationUrlTests
{
    private static readonly string Compiler = Path.Combine(DotNet.RepoRoot, "src", "AccountabilityDsl", "AccountabilityDsl.csproj");

    [Fact]
    public void A_published_home_given_to_the_build_becomes_the_compilers_assembly_metadata()
    {
        Metadata("-p:RulesDocumentationUrl=https://docs.example.test/rules/")
            .ShouldBe([("RulesDocumentationUrl", "https://docs.example.test/rules/")]);
    }

    [Fact]
    public void Without_one_the_links_point_at_the_pages_shipped_next_to_the_compiler()
    {
        Metadata().ShouldNotContain(m => m.Key == "RulesDocumentationUrl");
        string folder = Path.GetDirectoryName(typeof(DiagnosticDescriptor).Assembly.Location)!;
        DiagnosticDescriptor.HelpLinkBase.ShouldBe(new Uri(Path.Combine(folder, "docs", "rules") + Path.DirectorySeparatorChar).AbsoluteUri);
        foreach (DiagnosticDescriptor descriptor in Analysis.DiagnosticCatalog.All)
        {
            File.ReadAllText(new Uri(descriptor.HelpLink!).LocalPath)
                .ShouldBe(File.ReadAllText(Path.Combine(DotNet.RepoRoot, "docs", "rules", descriptor.Id + ".md")), descriptor.Id);
        }
    }

    private static List<(string Key, string Value)> Metadata(params string[] properties)
    {
        ProcessResult evaluated = DotNet.Run(DotNet.RepoRoot, null, ["msbuild", Compiler, "-getItem:AssemblyMetadata", "-p:TargetFramework=net10.0", .. properties]);
        evaluated.ExitCode.ShouldBe(0, evaluated.ToString());
        using JsonDocument items = JsonDocument.Parse(evaluated.Output);
        return items.RootElement.GetProperty("Items").TryGetProperty("AssemblyMetadata", out JsonElement metadata)
            ? [.. metadata.EnumerateArray().Select(m => (m.GetProperty("Identity").GetString()!, m.GetProperty("Value").GetString()!))]
            : [];
    }
}
