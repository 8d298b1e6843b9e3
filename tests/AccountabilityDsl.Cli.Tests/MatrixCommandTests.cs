using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

public class MatrixCommandTests
{
    [Fact]
    public void Prints_the_text_grid_by_default_and_exits_0_despite_vacuums_and_conflicts() =>
        Baseline.Verify(Ownerc.Run("matrix", "samples/car-maker.owner").Render(), "Matrix/car-maker-text.txt");

    [Fact]
    public void Prints_markdown_when_asked()
    {
        CliResult result = Ownerc.Run("matrix", "--format", "markdown", "samples/hr-outsourcer.owner");
        result.ExitCode.ShouldBe(0);
        result.Stderr.ShouldBeEmpty();
        Baseline.Verify(result.Stdout, "Matrix/hr-outsourcer.md");
    }

    [Fact]
    public void Prints_html_to_standard_output_with_format_html()
    {
        CliResult result = Ownerc.Run("matrix", "samples/retail-bank.owner", "--format=html");
        result.ExitCode.ShouldBe(0);
        result.Stdout.ShouldStartWith("<!DOCTYPE html>");
        result.Stdout.ShouldContain("<title>Accountability matrix: RetailBank</title>");
    }

    [Theory]
    [InlineData("out/matrix.html", "<!DOCTYPE html>")]
    [InlineData("matrix.HTM", "<!DOCTYPE html>")]
    [InlineData("matrix.md", "# Accountability matrix: CarMaker")]
    [InlineData("matrix.txt", "Accountability matrix of policy CarMaker")]
    public void Output_option_writes_the_file_in_the_format_its_extension_says(string output, string start)
    {
        using var temp = new TempFolder();
        string policy = temp.Write("car-maker.owner", File.ReadAllText(Path.Combine(Baseline.RepoRoot, "samples/car-maker.owner")));
        CliResult result = Ownerc.RunIn(temp.Path, "matrix", "car-maker.owner", "-o", output);
        result.ExitCode.ShouldBe(0);
        result.Stderr.ShouldBeEmpty();
        result.Stdout.ShouldBe(output + "\n");
        File.ReadAllText(Path.Combine(temp.Path, output)).ShouldStartWith(start);
        File.Exists(policy).ShouldBeTrue();
    }

    [Fact]
    public void An_output_that_is_a_folder_is_refused_with_what_o_expects()
    {
        using var temp = new TempFolder();
        temp.Write("p.owner", File.ReadAllText(Path.Combine(Baseline.RepoRoot, "samples/retail-bank.owner")));
        Directory.CreateDirectory(Path.Combine(temp.Path, "out"));

        CliResult result = Ownerc.RunIn(temp.Path, "matrix", "p.owner", "-o", "out");

        result.ShouldBe(new CliResult(2, "", $"ownerc: error: cannot write 'out': it is a folder, and -o names the file to write, such as '{Path.Join("out", "matrix.html")}'\n"));
    }

    [Fact]
    public void An_empty_output_path_is_refused_in_plain_english() =>
        Ownerc.Run("matrix", "samples/retail-bank.owner", "-o", "").ShouldBe(new CliResult(2, "", "ownerc: error: an empty path names no output file\n"));

    [Fact]
    public void Format_wins_over_the_output_extension()
    {
        using var temp = new TempFolder();
        temp.Write("p.owner", File.ReadAllText(Path.Combine(Baseline.RepoRoot, "samples/retail-bank.owner")));
        Ownerc.RunIn(temp.Path, "matrix", "p.owner", "--output", "grid.html", "--format", "markdown").ExitCode.ShouldBe(0);
        File.ReadAllText(Path.Combine(temp.Path, "grid.html")).ShouldStartWith("# Accountability matrix");
    }

    [Fact]
    public void An_output_extension_the_matrix_is_not_written_in_is_refused_unless_the_format_is_given()
    {
        using var temp = new TempFolder();
        temp.Write("p.owner", File.ReadAllText(Path.Combine(Baseline.RepoRoot, "samples/retail-bank.owner")));

        CliResult refused = Ownerc.RunIn(temp.Path, "matrix", "p.owner", "-o", "x.json");
        refused.ExitCode.ShouldBe(2);
        refused.Stdout.ShouldBeEmpty();
        refused.Stderr.ShouldStartWith("ownerc: error: 'x.json': the matrix is written as text (.txt), markdown (.md) or html (.html), not '.json'\n");
        File.Exists(Path.Combine(temp.Path, "x.json")).ShouldBeFalse();

        Ownerc.RunIn(temp.Path, "matrix", "p.owner", "-o", "grid.txt").ShouldBe(new CliResult(0, "grid.txt\n", ""));
        string text = File.ReadAllText(Path.Combine(temp.Path, "grid.txt"));
        text.ShouldBe(Ownerc.RunIn(temp.Path, "matrix", "p.owner").Stdout);

        Ownerc.RunIn(temp.Path, "matrix", "p.owner", "-o", "x.json", "--format", "text").ExitCode.ShouldBe(0);
        File.ReadAllText(Path.Combine(temp.Path, "x.json")).ShouldBe(text);
    }

    [Fact]
    public void Html_escapes_everything_that_comes_from_the_policy()
    {
        using var temp = new TempFolder();
        temp.Write("a&b.owner", """
            policy Escapes
            attribute score: int
            segment Hot "</td><script>alert(1)</script>" where score > 1
            segment Cold "\"><img src=x onerror=alert(2)>" where score <= 1
            stages One -> Two
            owner A
            accountable A for Hot at * // <iframe src="https://example.com">
            accountable A for Cold at One
            """);
        CliResult result = Ownerc.RunIn(temp.Path, "matrix", "a&b.owner", "-o", "m.html");
        result.ExitCode.ShouldBe(0);
        string html = File.ReadAllText(Path.Combine(temp.Path, "m.html"));
        html.ShouldNotContain("<script");
        html.ShouldNotContain("<img");
        html.ShouldNotContain("<iframe");
        html.ShouldNotContain("</td><script");
        html.ShouldContain("&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
        html.ShouldContain("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
        html.ShouldContain("<code>a&amp;b.owner</code>");
        // Only the page's own markup: one style element, no scripts or external resources.
        html.Split("<style>").Length.ShouldBe(2);
        html.ShouldNotContain("<link");
        html.ShouldNotContain("url(");
    }

    [Fact]
    public void A_policy_with_syntax_or_name_errors_prints_them_and_exits_1()
    {
        using var temp = new TempFolder();
        temp.Write("broken.owner", "policy Broken\nstages A -> B\nsegment S\naccountable Nobody for S at *\n");
        CliResult result = Ownerc.RunIn(temp.Path, "matrix", "broken.owner", "-o", "m.html");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldContain("OWN0002");
        result.Stderr.ShouldContain("has syntax or name errors; run 'ownerc check broken.owner'");
        File.Exists(Path.Combine(temp.Path, "m.html")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("matrix")]
    [InlineData("matrix samples/retail-bank.owner samples/car-maker.owner")]
    [InlineData("matrix samples/retail-bank.owner --format")]
    [InlineData("matrix samples/retail-bank.owner --format pdf")]
    [InlineData("matrix samples/retail-bank.owner --format html --format text")]
    [InlineData("matrix samples/retail-bank.owner -o a.html -o b.html")]
    [InlineData("matrix samples/retail-bank.owner --ouput a.html")]
    [InlineData("matrix samples/retail-bank.owner -o")]
    [InlineData("matrix samples")]
    [InlineData("matrix missing.owner")]
    public void Usage_mistakes_exit_2_with_one_clear_line(string commandLine)
    {
        CliResult result = Ownerc.Run(commandLine.Split(' '));
        result.ExitCode.ShouldBe(2);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldStartWith("ownerc: error: ");
        result.Stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public void Suggests_a_close_format()
    {
        CliResult result = Ownerc.Run("matrix", "samples/retail-bank.owner", "--format", "markdwon");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("did you mean 'markdown'?");
    }

}
