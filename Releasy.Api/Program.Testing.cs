// The tests' WebApplicationFactory<Program> needs a named entry point type.
public partial class Program;
