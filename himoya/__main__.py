from himoya.cli import main

main()
