# syntax=docker/dockerfile:1
# Generated from the Releasy app model by Releasy.AppHost (README: Deploy). Do not edit: change the model and regenerate.
# Build from the repository root: docker build -f deploy/docker/proxy.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish Releasy.Proxy/Releasy.Proxy.csproj -c Release -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0-alpine
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["dotnet", "Releasy.Proxy.dll"]
