from ondemand_courses.cli import main

main()
