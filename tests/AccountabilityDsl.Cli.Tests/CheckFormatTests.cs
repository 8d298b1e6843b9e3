using AccountabilityDsl.Diagnostics;
using System.Text.Json.Nodes;
using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>
/// The same real fixtures (syntax, name, duplicate and conflict errors, warnings from an
/// .editorconfig, and a clean file) through every output format, against checked-in baselines.
/// </summary>
public class CheckFormatTests
{
    private static readonly string[] Inputs = [$"{Ownerc.Fixtures}/valid", $"{Ownerc.Fixtures}/errors", $"{Ownerc.Fixtures}/mixed"];

    [Fact]
    public void Text_is_the_default_format() =>
        Baseline.Verify(Ownerc.Run(["check", .. Inputs]).Render(), "Check/text.txt");

    [Fact]
    public void Text_format_can_be_named() =>
        Ownerc.Run(["check", .. Inputs, "--format", "text"]).ShouldBe(Ownerc.Run(["check", .. Inputs]));

    [Fact]
    public void Json() =>
        Baseline.Verify(Ownerc.Run(["check", .. Inputs, "--format", "json"]).Render(), "Check/json.txt");

    [Fact]
    public void MSBuild() =>
        Baseline.Verify(Ownerc.Run(["check", .. Inputs, "--format", "msbuild"]).Render(), "Check/msbuild.txt");

    /// <summary>
    /// The rules list (every descriptor, with documentation other people are writing) and the
    /// rule indexes into it are checked by <see cref="SarifTests"/>; the baseline holds the rest,
    /// with the machine-specific source root and the version replaced.
    /// </summary>
    [Fact]
    public void Sarif()
    {
        CliResult result = Ownerc.Run(["check", .. Inputs, "--format", "sarif"]);
        JsonNode log = JsonNode.Parse(result.Stdout)!;
        JsonObject run = log["runs"]![0]!.AsObject();
        JsonObject driver = run["tool"]!["driver"]!.AsObject();
        driver["version"] = "<version>";
        driver["semanticVersion"] = "<version>";
        driver["informationUri"] = driver["informationUri"]!.GetValue<string>().Replace(DiagnosticDescriptor.HelpLinkBase!, "file:///<ownerc folder>/docs/rules/", StringComparison.Ordinal);
        driver["rules"] = "<every rule in DiagnosticCatalog.All: see SarifTests>";
        run["originalUriBaseIds"]!["%SRCROOT%"]!["uri"] = "file:///<repository root>/";
        foreach (JsonNode? r in run["results"]!.AsArray())
        {
            r!.AsObject().Remove("ruleIndex");
        }

        string normalized = log.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        Baseline.Verify((result with { Stdout = normalized }).Render(), "Check/sarif.txt");
    }

    [Fact]
    public void Output_is_deterministic_although_files_are_checked_in_parallel()
    {
        CliResult first = Ownerc.Run("check", Ownerc.Fixtures, "--format", "json");
        for (int i = 0; i < 5; i++)
        {
            Ownerc.Run("check", Ownerc.Fixtures, "--format", "json").ShouldBe(first);
        }
    }

    [Fact]
    public void A_clean_file_says_so_in_every_format()
    {
        string file = $"{Ownerc.Fixtures}/valid/demo.owner";
        Ownerc.Run("check", file).ShouldBe(new CliResult(0, "no problems found in 1 file\n", ""));
        Ownerc.Run("check", file, "--format", "msbuild").ShouldBe(new CliResult(0, "", ""));
        Ownerc.Run("check", file, "--format", "json").Stdout.ShouldContain("\"diagnostics\": []");
        Ownerc.Run("check", file, "--format", "sarif").Stdout.ShouldContain("\"results\": []");
    }
}
